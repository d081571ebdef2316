"""egov-xl's own routes beside xlwings Server's, both POST under /egov/ so that egov-xl's guard
authenticates them before any body is read (egov_xl/server/guards.py): pure EGOV functions in
batches (egov_xl/excel/batch.py), and who is signed in, for the task pane's sign-in
(egov_xl/excel/signin.py). xlwings Server includes `router` from routers/custom.py."""

import anyio
from fastapi import APIRouter, Body
from xlwings_server import dependencies as dep
from xlwings_server.config import settings

from egov_xl.excel.batch import run_batch
from egov_xl.excel.signin import signed_in

router = APIRouter(prefix=settings.app_path)  # beside <app path>/xlwings (function-batch.js)


@router.post("/egov/functions-batch")
async def functions_batch(current_user: dep.User, data: dict = Body(...)):
    return {"results": await run_batch(data.get("calls"), current_user)}


@router.post("/egov/whoami")
async def whoami(current_user: dep.User):
    return await anyio.to_thread.run_sync(signed_in, current_user)
