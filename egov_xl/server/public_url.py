"""The address clerks' Excel reaches the server at, written into the manifest and the start
banner: `--public-url https://egov.tinh.gov.vn[:port][/prefix]` behind a proxy, or
`--hostname name[:port]` for a server Excel reaches directly.

A prefix is served by the server itself (xlwings Server's app path): its task pane code calls
`<prefix>/xlwings/…`, so the proxy passes the path on unchanged (deploy/nginx.conf)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..core.errors import UserError

_PREFIX = re.compile(r"(/[A-Za-z0-9._~-]+)*")
_DEFAULT_PORT = {"https": 443, "http": 80}


@dataclass(frozen=True)
class PublicUrl:
    scheme: str
    host: str
    port: int | None = None
    prefix: str = ""  # "" or "/a/b", no trailing slash

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port in (None, _DEFAULT_PORT[self.scheme]) else f"{host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.prefix}"

    def xlwings_env(self) -> dict[str, str]:
        """xlwings Server's settings for this address: the manifest's host (it always writes
        https://), the app path every route and the task pane's calls live under."""
        return {"XLWINGS_HOSTNAME": self.netloc,
                "XLWINGS_APP_PATH": self.prefix, "XLWINGS_STATIC_URL_PATH": f"{self.prefix}/static"}


def parse(text: str) -> PublicUrl:
    """`https://host[:port][/prefix]`; anything else (http, a query, a user name, a path with
    other characters) is refused with the sentence `serve_public_url_invalid`."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise UserError("serve_public_url_invalid", url=text) from None
    prefix = parts.path.rstrip("/")
    if (parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment or parts.username
            or parts.password or not _PREFIX.fullmatch(prefix)):
        raise UserError("serve_public_url_invalid", url=text)
    return PublicUrl("https", parts.hostname, port, prefix)


def from_hostname(hostname: str, port: int) -> PublicUrl:
    """`--hostname name` or `name:port`: Excel reaches this server directly, so a name without
    a port gets the port the server listens on (the manifest would otherwise say 443)."""
    url = parse(f"https://{hostname.strip()}")
    return url if url.port is not None else PublicUrl(url.scheme, url.host, port, url.prefix)
