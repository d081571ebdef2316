"""EGOV.* custom functions. A bad argument raises XlwingsError with a Vietnamese sentence:
xlwings Server answers 400 and Excel shows an error value carrying that sentence.

Framework-provided parameters (the calling cell, the user) come first: xlwings inserts them
at their position in the signature, which must not move when Excel omits optional arguments."""

from __future__ import annotations

import math
from decimal import Decimal

import anyio

import xlwings as xw
from xlwings.server import arg, func
from xlwings.server import Caller
from xlwings_server.models import CurrentUser

from .. import definitions
from ..core.errors import UserError
from ..core.numbers import Entry, read_value
from ..core.periods import parse_period
from ..core.prior import change_percent
from ..core.rules.ratios import exact_ratio
from ..core.tolerance import quantize, round_half_up, unit_of
from ..flows.board import unit_children
from ..flows.references import prior_value
from . import access, state

_vi = definitions.catalogue("vi")


def _fail(key: str, **params) -> xw.XlwingsError:
    return xw.XlwingsError(_vi.text(key, **params))


def _number(value, name: str, function: str) -> Decimal | None:
    """A cell value (number, Vietnamese text number, blank) → Decimal; None for blank."""
    reading = read_value(value)
    if reading.entry is Entry.BLANK:
        return None
    if reading.number is None or reading.entry in (Entry.BOUND, Entry.SHARE):  # "32/34" is two numbers
        raise _fail("func_not_a_number", function=function, name=name, value=value)
    if reading.percent and reading.entry is not Entry.NUMBER:
        return reading.number / 100  # "98,64%" typed as text is the fraction 0,9864
    return reading.number


@func(cache=True)  # pure: Excel's add-in may answer a repeated call itself
@arg("numerator", doc="Tử số: số, hoặc văn bản số kiểu Việt Nam (8.334; 59,26).")
@arg("denominator", doc="Mẫu số. Bằng 0 hoặc để trống thì kết quả để trống.")
@arg("decimals", doc="Số chữ số thập phân, mặc định 2.")
@arg("mode", doc='"tron" (làm tròn nửa lên, mặc định) hoặc "cat" (cắt bớt).')
def ratio(numerator, denominator, decimals=2, mode="tron"):
    """Tỷ lệ (%) = tử số / mẫu số × 100 như biểu mẫu tính; để trống khi mẫu số bằng 0 hoặc trống."""
    num = _number(numerator, "tử số", "EGOV.RATIO")
    den = _number(denominator, "mẫu số", "EGOV.RATIO")
    try:
        places = int(decimals if decimals not in (None, "") else 2)
    except (TypeError, ValueError):
        raise _fail("func_bad_decimals", value=decimals) from None
    if not 0 <= places <= 10:
        raise _fail("func_bad_decimals", value=decimals)
    if num is None or den is None or den == 0:
        return ""
    exact = exact_ratio(num, den)
    if str(mode or "tron").strip().lower() in ("cat", "cắt", "truncate"):
        result = quantize(exact, unit_of(places), rounding="ROUND_DOWN")
    elif str(mode or "tron").strip().lower() in ("tron", "tròn", "round"):
        result = round_half_up(exact, places)
    else:
        raise _fail("func_bad_mode", value=mode)
    if not math.isfinite(float(result)):  # 1E+308 / 1E-308: no cell of Excel holds it
        raise _fail("func_out_of_range", function="EGOV.RATIO")
    return float(result)


@func(cache=True)
@arg("text", doc='Số viết kiểu Việt Nam: "8.334", "59,26", "=98,64%", "10,18 ngàn".')
def num(text):
    """Đọc một số viết kiểu Việt Nam thành số."""
    reading = read_value(text)
    if reading.entry is Entry.BLANK:
        return ""
    if reading.number is None or reading.entry is Entry.SHARE:  # "32/34" is two numbers, not one
        raise _fail("func_not_a_number", function="EGOV.NUM", name="giá trị", value=text)
    if reading.entry is Entry.BOUND:
        raise _fail("func_bound", value=text)
    return float(reading.number)


async def _off_the_loop(function, *args):
    """xlwings Server calls a plain function on the event loop: the functions that read the
    archive, or check a range of any size (EGOV.CHECK over 170,000 rows took a minute, and every
    other clerk waited for it), run in a thread instead."""
    return await anyio.to_thread.run_sync(function, *args)


def _context(caller: Caller | None, user, period, unit) -> tuple[str, str]:
    remembered = state.recall(user, caller.book_name if caller else "") or (None, None)
    unit = str(unit).strip() if unit not in (None, "") else remembered[0]
    period = str(period).strip() if period not in (None, "") else remembered[1]
    if not unit or not period:
        raise _fail("func_no_context")
    return unit, period


def _prior_value(code, period, unit, comparison, caller, user) -> Decimal | None:
    """The archived prior value of one indicator, in the codes of the current period's edition."""
    from .scripts import archive

    code = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code).strip().rstrip(".")
    unit, period_text = _context(caller, user, period, unit)
    last_year = str(comparison or "").strip().lower() in ("cung-ky", "cùng kỳ", "cung ky", "last_year")
    try:
        when = parse_period(period_text)
        store = archive()
        if not access.may_read(user, unit, unit_children(store)):  # one query, not one per unit below
            raise _fail("addin_forbidden_read", unit=unit)
        return prior_value(store, unit, when, code, last_year)
    except UserError as exc:  # the one place a function renders a period's or the archive's failure
        raise xw.XlwingsError(exc.render(_vi)) from None


@func
@arg("code", doc='Mã chỉ tiêu, ví dụ "4.1.2".')
@arg("period", doc='Kỳ báo cáo, ví dụ "Q1/2025"; mặc định kỳ của sổ này (khung tác vụ).')
@arg("unit", doc="Mã đơn vị; mặc định đơn vị của sổ này.")
@arg("comparison", doc='"ky-truoc" (mặc định) hoặc "cung-ky" (cùng kỳ năm trước).')
async def prior(caller: Caller | None, user: CurrentUser, code, period="", unit="", comparison="ky-truoc"):
    """Giá trị đã lưu của chỉ tiêu ở kỳ trước (hoặc cùng kỳ năm trước)."""
    return await _off_the_loop(_prior, caller, user, code, period, unit, comparison)


def _prior(caller, user, code, period, unit, comparison):
    value = _prior_value(code, period, unit, comparison, caller, user)
    return "" if value is None else float(value)


@func
@arg("code", doc='Mã chỉ tiêu, ví dụ "4.1.2".')
@arg("current", doc="Giá trị kỳ này (thường là ô số liệu của dòng).")
@arg("period", doc="Kỳ báo cáo; mặc định kỳ của sổ này.")
@arg("unit", doc="Mã đơn vị; mặc định đơn vị của sổ này.")
@arg("comparison", doc='"ky-truoc" (mặc định) hoặc "cung-ky".')
async def change(caller: Caller | None, user: CurrentUser, code, current, period="", unit="", comparison="ky-truoc"):
    """Chênh lệch so với kỳ trước: hai ô, mức thay đổi và phần trăm thay đổi."""
    return await _off_the_loop(_change, caller, user, code, current, period, unit, comparison)


def _change(caller, user, code, current, period, unit, comparison):
    value = _prior_value(code, period, unit, comparison, caller, user)
    now = _number(current, "giá trị kỳ này", "EGOV.CHANGE")
    if value is None or now is None:
        return [["", ""]]
    delta = now - value
    pct = change_percent(delta, value)
    return [[float(delta), "" if pct is None else float(round_half_up(pct, 2))]]


@func
@arg("code", doc='Mã chỉ tiêu, ví dụ "4.1".')
@arg("table", doc="Vùng bảng biểu mẫu (tuỳ chọn). Bỏ trống: theo lần Kiểm tra gần nhất của sổ này.")
async def check(caller: Caller | None, user: CurrentUser, code, table=None):
    """Tình trạng một chỉ tiêu: "OK" hoặc lỗi/cảnh báo đầu tiên của dòng đó."""
    return await _off_the_loop(_check, caller, user, code, table)


def _check(caller, user, code, table):
    wanted = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code).strip().rstrip(".")
    if table in (None, "", [[None]]):
        statuses = state.recall_statuses(user, caller.book_name if caller else "")
        if statuses is None:
            raise _fail("func_no_check")
        return statuses.get(wanted, "OK")
    from ..core.grid import SheetGrid
    from ..core.legacy_text import convert_grid
    from ..flows.check import check_range
    from .book import row_statuses

    rows = table if isinstance(table, list) and table and isinstance(table[0], list) else [[table]]
    grid = SheetGrid("EGOV.CHECK", [["" if v is None else v for v in row] for row in rows])
    convert_grid(grid)
    report = check_range(grid)
    if report is None:
        raise _fail("func_no_table")
    return row_statuses(report.findings).get(wanted, "OK")
