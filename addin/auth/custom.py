"""Token authentication for an on-premises server: tokens mapped to clerks and their units in
the settings' tokens file (EGOV_TOKENS_FILE) (see egov_xl/excel/access.py). Enabled with
XLWINGS_AUTH_PROVIDERS='["custom"]'."""

from fastapi import status
from fastapi.exceptions import HTTPException
from xlwings_server.models import User

from egov_xl.excel.access import grant_for
from egov_xl.server.runtime import current


async def validate_token(token_string: str):
    token = (token_string or "").removeprefix("Bearer ").strip()
    grant = grant_for(token, current().settings.tokens_file) if token else None
    if grant is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Mã truy cập không hợp lệ / invalid token")
    return User(id=grant.name, name=grant.name, roles=["clerk"],
                claims={"units": sorted(grant.units), "consolidates": grant.consolidates})
