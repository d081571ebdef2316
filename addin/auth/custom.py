"""Token authentication for an on-premises server: the SHA-256 of each clerk's token mapped
to the clerk and their units in the settings' tokens file (EGOV_TOKENS_FILE; format and
`egov-xl token add` in egov_xl/server/tokens.py). Enabled with XLWINGS_AUTH_PROVIDERS='["custom"]'.
egov-xl's guard (egov_xl/server/guards.py) calls this before a request body is read."""

from fastapi import status
from fastapi.exceptions import HTTPException
from xlwings_server.models import User

from egov_xl.excel.access import TokensFileError, grant_for
from egov_xl.server.guards import bilingual
from egov_xl.server.observe import tokens_file_unusable
from egov_xl.server.runtime import current


async def validate_token(token_string: str):
    token = (token_string or "").removeprefix("Bearer ").strip()
    try:
        grant = grant_for(token, current().settings.tokens_file) if token else None
    except TokensFileError as exc:  # the administrator's file, not the clerk's token
        raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail=tokens_file_unusable(exc)) from None  # logged once
    if grant is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=bilingual("http_unauthenticated"))
    # the id is the token's short id: two clerks of one name keep their own function context
    return User(id=grant.id, name=grant.name, roles=["clerk"],
                claims={"units": sorted(grant.units), "consolidates": grant.consolidates, "token_id": grant.id})
