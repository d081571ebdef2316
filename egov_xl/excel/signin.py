"""Who is signed in, for the task pane (POST /egov/whoami, behind the guard like every add-in
call): the holder's name and token id, the units they report for with their names from the
archive, whether they consolidate. Without sign-in (one PC) it says so, and nothing else."""

from __future__ import annotations

from ..flows.units import names as unit_names
from ..server import runtime
from . import access


def signed_in(user) -> dict:
    if not access.auth_enabled():
        return {"auth": False}
    claims = getattr(user, "claims", {}) or {}
    codes = sorted(access.units_of(user) or ())
    names = unit_names(runtime.current().archive(), codes) if codes else {}
    return {
        "auth": True,
        "id": claims.get("token_id") or getattr(user, "id", None) or "",
        "name": getattr(user, "name", None) or "",
        "units": [{"code": code, "name": names.get(code, ""), "known": code in names} for code in codes],
        "consolidates": bool(claims.get("consolidates")),
    }
