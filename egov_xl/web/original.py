"""“Tải tệp gốc”: the file a revision was archived from, as it was sent (CLI, web upload), for a
visitor who may read that unit. Always an attachment of type application/octet-stream with
`X-Content-Type-Options: nosniff`: a kept file is never shown inline (an uploaded HTML page
cannot run in the console's origin)."""

from __future__ import annotations

import re
from urllib.parse import quote

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from ..core.errors import UserError
from ..core.periods import parse_period
from ..excel import access
from ..flows.archive import original_file
from ..flows.board import unit_children
from .routes import MAX_NUMBER, _archive, _deny, _refuse, router
from .session import Visitor, signed_in
from .upload import safe_name


def disposition(name: str) -> str:
    """attachment; an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987)."""
    name = safe_name(name)
    fallback = re.sub(r'[^A-Za-z0-9._-]', "_", name) or "tep"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/don-vi/{unit}/tep-goc/{ky}/{lan}")
def original(request: Request, unit: str, ky: str, lan: Annotated[int, Path(ge=0, le=MAX_NUMBER)],
             found: Visitor = Depends(signed_in)):
    archive = _archive()
    if not access.may_read(found, unit, unit_children(archive)):
        return _deny(request, found, "addin_forbidden_read", unit=unit)
    try:
        period = parse_period(ky)
    except UserError as exc:
        return _refuse(request, found, exc)
    kept = original_file(archive, unit, period, lan)
    if kept is None:
        return _deny(request, found, "web_no_original", status=404, unit=unit, period=period.label, revision=lan)
    name, data = kept
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": disposition(name), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store", "Content-Security-Policy": "sandbox"})
