"""Many calls of the pure EGOV functions (RATIO, NUM) in one HTTP request.

xlwings Server's JavaScript posts one request per cell per recalculation; 500 cells of
=EGOV.RATIO would be 500 requests. Our task-pane code (addin/static/js/function-batch.js)
collects the calls of pure functions made in the same few milliseconds and posts them here
together; each answer is what /xlwings/custom-functions-call would have answered for that
call alone: a result, or the 400 and its Vietnamese sentence. Functions that read the archive
or the function context are never batched (they keep xlwings Server's own path and checks).
"""

from __future__ import annotations

import xlwings as xw
import xlwings.server

from . import functions

PURE = frozenset({"ratio", "num"})
MAX_CALLS = 1000  # xlwings' client keeps at most 1,000 calls in flight


async def run_batch(calls: object, user) -> list[dict]:
    if not isinstance(calls, list) or len(calls) > MAX_CALLS:
        raise xw.XlwingsError(f"a batch holds 1 to {MAX_CALLS} calls")
    return [await _one(call, user) for call in calls]


async def _one(call: object, user) -> dict:
    if not isinstance(call, dict) or call.get("func_name") not in PURE:
        return {"status": 400, "error": "only EGOV.RATIO and EGOV.NUM are batched"}
    try:
        result = await xlwings.server.custom_functions_call(call, functions, user, typehint_to_value={})
    except xw.XlwingsError as exc:
        return {"status": 400, "error": str(exc)}
    except (KeyError, TypeError, ValueError) as exc:  # a malformed call, as xlwings Server's 500
        return {"status": 500, "error": type(exc).__name__}
    return {"status": 200, "result": result}
