"""Reading numbers the way Vietnamese clerks type them.

Vietnamese writes "." for thousands and "," for decimals: "8.334" is 8334 and "59,26" is
59.26. Clerks also type "=98,64%" (formula text kept as a value), "10,18 ngàn", "1,488 triệu"
and bounds such as "trên 84%". A reading keeps how the value was typed and how many decimals
it shows, because the tolerance of every arithmetic check depends on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
import math
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from .text import fold
from .tolerance import display, quantize, round_half_up


class Entry(StrEnum):
    """How a value was typed into its cell."""

    BLANK = "blank"
    NUMBER = "number"  # a numeric cell
    FORMULA = "formula"  # a real formula; the number is its cached result
    TEXT_NUMBER = "text-number"  # a number typed as text: "8.334", "59,26"
    FORMULA_TEXT = "formula-text"  # formula text typed as a value: "=98,64%"
    BOUND = "bound"  # "trên 84%": a bound, not a value
    SHARE = "share"  # "32/34": 32 of 34 (localities, communes, procedures)
    UNREADABLE = "unreadable"  # text, a date or a boolean where a number belongs


@dataclass(frozen=True, slots=True)
class Reading:
    """One value as the clerk typed it and as a number."""

    raw: object
    entry: Entry
    number: Decimal | None = None
    decimals: int | None = None  # digits shown after the decimal comma; negative for tens…
    percent: bool = False  # typed with "%" or shown with a percent number format
    bound: str | None = None  # ">", ">=", "<", "<=", "~" for Entry.BOUND
    reread: str | None = None  # why the row's meaning changed the reading (core.reread)
    alternative: Decimal | None = None  # the reading without that context
    recalculated: bool = False  # a formula result egov-xl computed (the file carried none)
    base: Decimal | None = None  # Entry.SHARE: the y of "x/y" (the number is x)

    @property
    def is_blank(self) -> bool:
        return self.entry is Entry.BLANK


BLANK = Reading(raw=None, entry=Entry.BLANK)


def shown(reading: Reading) -> str:
    """A reading as the clerk would read it back: its number written the Vietnamese way, or
    the text as typed ("" for a blank)."""
    if reading.number is None:
        return "" if reading.raw is None else str(reading.raw)
    return display(reading.number, reading.decimals if reading.decimals and reading.decimals > 0 else None)

_MULTIPLIERS = {"ngan": 3, "nghin": 3, "trieu": 6, "ty": 9, "ti": 9}
_BOUNDS = (
    ("lon hon hoac bang", ">="),
    ("nho hon hoac bang", "<="),
    ("toi thieu", ">="),
    ("it nhat", ">="),
    ("khong duoi", ">="),
    ("toi da", "<="),
    ("khong qua", "<="),
    ("lon hon", ">"),
    ("nho hon", "<"),
    ("tren", ">"),
    ("hon", ">"),
    ("duoi", "<"),
    ("khoang", "~"),
    ("gan", "~"),
    ("xap xi", "~"),
)
_SYMBOL_BOUNDS = (("≥", ">="), (">=", ">="), ("≤", "<="), ("<=", "<="), (">", ">"), ("<", "<"), ("~", "~"), ("≈", "~"))
_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_SHARE = re.compile(r"^(\d[\d.,]*)\s*/\s*(\d[\d.,]*)$")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$")


@dataclass(frozen=True, slots=True)
class _Parsed:
    number: Decimal
    decimals: int
    percent: bool
    bound: str | None
    formula_text: bool
    base: Decimal | None = None  # "x/y": y (the number is x)


def parse_number_text(text: str, decimal: str | None = None) -> _Parsed | None:
    """Parse one typed value; None when it is not a number (or bound) at all.

    `decimal` is the decimal separator decided for the file or column ("." on an en-US PC);
    None reads the Vietnamese way, with the usual guesses."""
    body = text.strip()
    share = _SHARE.match(body)
    if share:
        return _share(share.group(1), share.group(2), decimal)
    formula_text = body.startswith("=")
    if formula_text:
        body = body[1:].strip()
    body, bound = _take_bound(body)
    percent = body.endswith("%")
    if percent:
        body = body[:-1].strip()
    body, shift = _take_multiplier(body)
    core = _SPACES.sub("", body)
    if core.startswith("+"):
        core = core[1:]
    parsed = _decimal_with(core, decimal) if decimal else _vietnamese_decimal(core)
    if parsed is None:
        return None
    number, decimals = parsed
    if shift:
        number = number.scaleb(shift)
        decimals -= shift
    return _Parsed(number, decimals, percent, bound, formula_text)


def _share(x: str, y: str, decimal: str | None) -> _Parsed | None:
    """"32/34" → 32 with base 34; None when either side is no number or the base is zero."""
    part, whole = parse_number_text(x, decimal), parse_number_text(y, decimal)
    if part is None or whole is None or not whole.number:
        return None
    return _Parsed(part.number, part.decimals, False, None, False, base=whole.number)


def share_as_percent(reading: Reading) -> Reading:
    """An "x/y" on a percentage row: x/y × 100, shown to its exact decimals (at most four)."""
    if reading.entry is not Entry.SHARE or reading.number is None or not reading.base:
        return reading
    exact = reading.number * 100 / reading.base
    rounded = round_half_up(exact, 4).normalize()
    decimals = max(0, -rounded.as_tuple().exponent)
    return replace(reading, number=quantize(rounded, Decimal(1).scaleb(-decimals)), decimals=decimals,
                   percent=True)


def _take_bound(body: str) -> tuple[str, str | None]:
    for symbol, bound in _SYMBOL_BOUNDS:
        if body.startswith(symbol):
            return body[len(symbol):].strip(), bound
    folded = fold(body)
    for words, bound in _BOUNDS:
        if folded.startswith(words + " ") and _has_digit_after_words(body, len(words.split())):
            return _drop_words(body, len(words.split())), bound
    return body, None


def _has_digit_after_words(body: str, count: int) -> bool:
    rest = _drop_words(body, count)
    return bool(rest) and (rest[0].isdigit() or rest[0] in "+-")


def _drop_words(body: str, count: int) -> str:
    parts = body.split(None, count)
    return parts[count].strip() if len(parts) > count else ""


def _take_multiplier(body: str) -> tuple[str, int]:
    parts = body.rsplit(None, 1)
    if len(parts) == 2:
        shift = _MULTIPLIERS.get(fold(parts[1]))
        if shift:
            return parts[0], shift
    return body, 0


def _vietnamese_decimal(core: str) -> tuple[Decimal, int] | None:
    """'8.334' → 8334; '59,26' → 59.26; '1.234,5' → 1234.5; '1,234.5' → 1234.5."""
    sign = ""
    if core.startswith("-"):
        sign, core = "-", core[1:]
    if not core or not _NUMBER.match(core):
        return None
    dot, comma = core.rfind("."), core.rfind(",")
    if dot >= 0 and comma >= 0:  # both: the last one is the decimal separator
        thousands, decimal_sep = (".", ",") if comma > dot else (",", ".")
        integer, _, fraction = core.rpartition(decimal_sep)
        integer = integer.replace(thousands, "")
    elif dot >= 0:
        if _GROUPED.match(core) and not core.startswith("0"):
            integer, fraction = core.replace(".", ""), ""
        else:
            integer, _, fraction = core.rpartition(".")
    elif comma >= 0:
        if _COMMA_GROUPED.match(core):
            integer, fraction = core.replace(",", ""), ""
        else:
            integer, _, fraction = core.rpartition(",")
    else:
        integer, fraction = core, ""
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        number = Decimal(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}")
    except InvalidOperation:
        return None
    return number, len(fraction)


def _decimal_with(core: str, decimal: str) -> tuple[Decimal, int] | None:
    """Read with the decimal separator decided for the file: the other one only groups
    thousands. A value that cannot be written that way ("90.61" where "," is the decimal mark:
    "." is followed by two digits, not a group of three) is read by its own separators."""
    thousands = "," if decimal == "." else "."
    integer, _, fraction = core.rpartition(decimal) if decimal in core else (core, "", "")
    if thousands in fraction or (thousands in integer and not _THOUSANDS_ONLY.match(integer.lstrip("-"))):
        return _vietnamese_decimal(core)
    if decimal not in core:
        return _vietnamese_decimal(integer.replace(thousands, ""))
    return _vietnamese_decimal(integer.replace(thousands, "") + "," + fraction) if fraction else None


# Evidence for the decimal separator: a separator followed by other than three digits cannot be
# a thousands separator, and one thousands-grouped integer part before the other separator.
_POINT_DECIMAL = re.compile(r"^[=+-]?\d+\.(?:\d{1,2}|\d{4,})\s*%?$|^\d{1,3}(?:,\d{3})+\.\d+\s*%?$")
_COMMA_DECIMAL = re.compile(r"^[=+-]?\d+,(?:\d{1,2}|\d{4,})\s*%?$|^\d{1,3}(?:\.\d{3})+,\d+\s*%?$")


def decide_decimal(texts) -> str | None:
    """The decimal separator the texts agree on ("." or ","), or None when they show no
    evidence or contradict each other."""
    point, comma = _evidence(texts)
    if point and not comma:
        return "."
    if comma and not point:
        return ","
    return None


def _evidence(texts) -> tuple[int, int]:
    """How many texts can only be read with a decimal point, and with a decimal comma."""
    point = comma = 0
    for text in texts:
        if text.__class__ is not str or not text or len(text) > 40:
            continue
        body = text.strip()
        point += bool(_POINT_DECIMAL.match(body))
        comma += bool(_COMMA_DECIMAL.match(body))
    return point, comma


def decide_file_decimal(columns, hint: str | None = None) -> str | None:
    """One decision for a whole file about "." and ",", from all its cells (`columns`: the
    texts of each column) and its format (`hint`: the decimal mark its layout implies, "," for
    a CSV separated by ";", as Excel writes one where "," is the decimal mark).

    A column of indicator codes ("1.1", "4.2") is no evidence: codes are not decimals. The
    cells overrule the hint only when they agree with each other and none agrees with it."""
    return decimal_of_evidence(*file_evidence(columns), hint)


def file_evidence(columns) -> tuple[int, int]:
    """How many texts of the columns can only be read with a decimal point, and with a decimal
    comma, columns of indicator codes left out: evidence adds up over a file's columns."""
    point = comma = 0
    for texts in columns:
        texts = [t for t in texts if t.__class__ is str and t.strip()]
        if _codes_column(texts):
            continue
        p, c = _evidence(texts)
        point, comma = point + p, comma + c
    return point, comma


def decimal_of_evidence(point: int, comma: int, hint: str | None = None) -> str | None:
    """`decide_file_decimal` from the evidence of all a file's columns (file_evidence)."""
    if hint == "," and (comma or not point):
        return ","
    if hint == "." and (point or not comma):
        return "."
    if point and not comma:
        return "."
    if comma and not point:
        return ","
    return hint


_CODE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,4}\.?$")


def _codes_column(texts: list[str]) -> bool:
    """Whether a column numbers rows (STT): most of its dotted texts follow their parent code
    ("1.1" after "1"), as figures such as "98.65" after "12.5" do not."""
    seen: set[str] = set()
    dotted = under_parent = 0
    for text in texts:
        code = text.strip().rstrip(".")
        if _CODE.match(code):
            dotted += 1
            under_parent += code.rpartition(".")[0] in seen
        seen.add(code)
    return dotted >= 1 and under_parent * 2 >= dotted


_THOUSANDS_ONLY = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def whole_alternative(reading: Reading) -> Decimal | None:
    """For a text like "12,450" read as 12,45 (or a bound, "gần 50.000" read as 50): the whole
    number it also reads as (12 450, 50 000)."""
    if reading.raw.__class__ is not str or reading.percent:
        return None
    body = _SPACES.sub("", _take_bound(reading.raw.strip())[0])  # "gần 50.000" as "7.529"
    if not _THOUSANDS_ONLY.match(body):
        return None
    whole = Decimal(body.replace(",", "").replace(".", ""))
    return whole if whole != reading.number else None


_FORMAT_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def format_decimals(number_format: str) -> tuple[int | None, bool]:
    """Decimals shown by an Excel number format, and whether it is a percent format.

    'General' shows as many decimals as the value has: None.
    """
    section = _FORMAT_QUOTED.sub("", number_format.split(";", 1)[0])
    if not section or section.lower() == "general" or section == "@":
        return None, False
    percent = "%" in section
    if "." not in section:
        return 0, percent
    after = section.split(".", 1)[1]
    count = 0
    for ch in after:
        if ch in "0#?":
            count += 1
        else:
            break
    return count, percent


def _decimal_of_float(value: float) -> tuple[Decimal, int]:
    if value == int(value):
        return Decimal(int(value)), 0
    number = Decimal(repr(value))
    return number, max(0, -number.as_tuple().exponent)


def read_value(
    raw: object, number_format: str = "General", formula: str | None = None, computed: bool = True,
    decimal: str | None = None, recalculated: bool = False,
) -> Reading:
    """Read one value cell: what was typed (`raw`, the result for a formula), its number
    format, its formula text, whether the file carries the formula's result at all, and the
    decimal separator decided for the file (None: the Vietnamese way). `recalculated`: the
    file carried no result for the formula; `raw` is the one egov-xl computed."""
    reading = _read(raw, number_format, formula, computed, decimal)
    return replace(reading, recalculated=True) if recalculated and formula else reading


def _read(raw: object, number_format: str, formula: str | None, computed: bool, decimal: str | None) -> Reading:
    if raw is None or raw == "":
        if formula and not computed:
            return Reading(raw=formula, entry=Entry.FORMULA)
        return BLANK  # empty, or a formula whose result is empty (a ratio over zero)
    if isinstance(raw, bool) or isinstance(raw, (date, datetime, time)):
        return Reading(raw=raw, entry=Entry.UNREADABLE)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):  # 1E+400 or NaN stored by no spreadsheet program
            return Reading(raw=raw, entry=Entry.UNREADABLE)
        return _read_numeric(raw, number_format, formula)
    text = str(raw)
    if not text.strip():
        return BLANK
    parsed = parse_number_text(text, decimal)
    if parsed is None:
        return Reading(raw=text, entry=Entry.UNREADABLE)
    if parsed.base is not None:
        entry = Entry.SHARE
    elif parsed.bound:
        entry = Entry.BOUND
    elif parsed.formula_text:
        entry = Entry.FORMULA_TEXT
    else:
        entry = Entry.TEXT_NUMBER
    return Reading(
        raw=text,
        entry=entry,
        number=parsed.number,
        decimals=parsed.decimals,
        percent=parsed.percent,
        bound=parsed.bound,
        base=parsed.base,
    )


def _read_numeric(raw: float, number_format: str, formula: str | None) -> Reading:
    number, natural_decimals = _decimal_of_float(float(raw))
    shown, percent = format_decimals(number_format or "General")
    if percent:
        number = (number * 100).normalize()
        natural_decimals = max(0, natural_decimals - 2)
        if number == number.to_integral_value():
            number = quantize(number, Decimal(1))
    decimals = natural_decimals if shown is None else shown
    entry = Entry.FORMULA if formula else Entry.NUMBER
    return Reading(
        raw=formula or raw,
        entry=entry,
        number=number,
        decimals=decimals,
        percent=percent,
    )
