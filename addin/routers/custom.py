"""egov-xl's own route beside xlwings Server's: pure EGOV functions in batches
(egov_xl/excel/batch.py). xlwings Server includes `router` from routers/custom.py."""

from fastapi import APIRouter, Body
from xlwings_server import dependencies as dep
from xlwings_server.config import settings

from egov_xl.excel.batch import run_batch

router = APIRouter(prefix=settings.app_path)  # beside <app path>/xlwings (function-batch.js)


@router.post("/egov/functions-batch")
async def functions_batch(current_user: dep.User, data: dict = Body(...)):
    return {"results": await run_batch(data.get("calls"), current_user)}
