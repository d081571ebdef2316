"""A script's reply, encoded by the standard library's json in one pass.

xlwings Server's route answers `book.json()`, a dict of actions that FastAPI first walks with
`jsonable_encoder` (one Python call per list item and per key: for Kiểm tra's 50 actions most
of the time the request spends outside the check) and then gives to Starlette's JSONResponse.
A Response returned by a route is sent as it is, so the request's own book answers with a
JSONResponse instead: the same bytes, JSONResponse's own settings, and `jsonable_encoder`
only for a value json cannot encode itself (a date, a Decimal).
"""

from __future__ import annotations

import json

import xlwings as xw
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


class Reply(JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"),
                          default=jsonable_encoder).encode("utf-8")


def encode_reply(book: xw.Book) -> None:
    """Make this request's `book.json()` (called by the route once the script returns, with every
    action in it) a ready Response."""
    impl = book.impl
    actions = impl.json
    impl.json = lambda: Reply(actions())
