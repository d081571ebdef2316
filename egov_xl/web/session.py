"""Who is looking at the web console: a signed session cookie (HttpOnly, SameSite=Strict,
Secure over HTTPS) that holds a random nonce and, once a clerk has logged in with their token,
the token's SHA-256 (never the token). The grant is looked up again on every request, so a
token removed from the tokens file ends its sessions. A logout records the session's nonce as
ended in the archive (table ended_sessions, egov_xl/server/auth_state.py) until its cookie
would expire, and a signed-in request checks it (one indexed read), so a copied cookie dies with
the logout on every worker and server. Every POST form carries a CSRF token: an HMAC of the
session's nonce under the server's key."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..excel.access import Grant, grant_by_digest
from ..server import runtime
from ..server.auth_state import end_session, session_ended
from ..server.observe import note_user
from ..server.tokens import ID_LENGTH

COOKIE = "egov_session"
PATH = "/bao-cao"


def base() -> str:
    """The console's address on this server: PATH under the public URL's prefix, if any."""
    return runtime.current().settings.app_path + PATH
MAX_AGE = 12 * 3600  # one working day


@dataclass
class Visitor:
    nonce: str
    digest: str | None = None
    grant: Grant | None = None
    open_mode: bool = False  # one PC, no auth provider: everything allowed, like the add-in
    fresh: bool = False  # the cookie must be (re)written on the response
    claims: dict = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.open_mode or self.grant is not None

    @property
    def name(self) -> str:
        """The clerk's name; on one PC without authentication, the account the server runs as."""
        return self.grant.name if self.grant else getpass.getuser() if self.open_mode else ""

    @property
    def id(self) -> str:
        return self.name


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.current().settings.web_secret, salt="egov-web-session")


def _anonymous(settings) -> Visitor:
    return Visitor(secrets.token_urlsafe(16), open_mode=not settings.auth_enabled, fresh=True)


def visitor(request: Request) -> Visitor:
    """The request's visitor; a new anonymous session when it has no valid cookie."""
    settings = runtime.current().settings
    data = None
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer().loads(raw, max_age=MAX_AGE)
        except BadSignature:
            data = None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return _anonymous(settings)
    digest = data.get("d") if isinstance(data.get("d"), str) else None
    grant = grant_by_digest(digest, settings.tokens_file) if digest else None
    if grant is not None and session_ended(runtime.current().archive(), data["n"]):
        return _anonymous(settings)
    found = Visitor(data["n"], digest if grant else None, grant, open_mode=not settings.auth_enabled)
    if grant is not None:
        note_user(digest[:ID_LENGTH])  # the access log's user (egov_xl/server/observe.py)
        found.claims = {"units": sorted(grant.units), "consolidates": grant.consolidates, "token_id": grant.id}
    return found


def signed_in(request: Request) -> Visitor:
    """The visitor, who must be logged in on a shared server; else off to the login form."""
    found = visitor(request)
    if not found.signed_in:
        raise HTTPException(status_code=303, headers={"Location": f"{base()}/dang-nhap"})
    return found


def signed_in_scope(scope: dict) -> bool:
    """Whether the request of `scope` comes from a signed-in visitor, read from its cookie only
    (the guard asks before any body of a console POST is read)."""
    return visitor(Request(scope)).signed_in


def csrf_token(found: Visitor) -> str:
    key = runtime.current().settings.web_secret.encode()
    return hmac.new(key, b"csrf:" + found.nonce.encode(), hashlib.sha256).hexdigest()


def check_csrf(found: Visitor, sent: str | None) -> None:
    if found.fresh or not sent or not hmac.compare_digest(csrf_token(found), sent):
        raise HTTPException(status_code=403, detail="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; "
                                                    "hãy tải lại trang. / Session expired or invalid form.")


def write_cookie(request: Request, response: Response, found: Visitor) -> None:
    value = _serializer().dumps({"n": found.nonce, "d": found.digest})
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, path=base(), httponly=True, samesite="strict", secure=secure)


def end(found: Visitor) -> None:
    """Log out: the session's cookie, wherever copied, is refused until it would expire anyway."""
    end_session(runtime.current().archive(), found.nonce, time.time() + MAX_AGE)


def start_session(digest: str | None) -> Visitor:
    """A new nonce at login and logout, so a session id seen before login is worth nothing after."""
    return Visitor(secrets.token_urlsafe(16), digest, fresh=True)
