"""Whether a row of raw values may belong to a form table: the cheap tests a reader runs over
every row of every sheet to keep only the rows core.locate can use. Kept apart from
core.locate (and its imports) so that a reader process starts reading at once."""

from __future__ import annotations

import re

from .numbering import is_marker
from .text import parse_code, split_leading_code

HEADER_HINT = re.compile(r"ch[iỉíìịĩ]\s*ti[eêếềểễệ]u|chi\s*tieu", re.IGNORECASE)
MAX_GAP = 25  # rows without a code after which the table has ended
TITLE_ROWS = 12  # rows above a header whose text names the form
CODE_SEARCH_ROWS = 2000  # rows searched for a code column when no header is found


def may_head_table(line) -> bool:
    """Whether a row of raw values may hold a table header ("Chỉ tiêu"): one regex call a row,
    since this runs over every row of every sheet."""
    strings = [v for v in line if v.__class__ is str and v]
    return bool(strings) and HEADER_HINT.search("\x1f".join(strings)) is not None


def may_hold_code(line) -> bool:
    """Whether any cell of a row may be an indicator code (in a code column or before a label)
    or a numbering marker (II, a), -) that read_table turns into one."""
    return any(parse_code(v) is not None or (v.__class__ is str and split_leading_code(v.strip())[0] is not None)
               or is_marker(v) for v in line)


def table_rows(values) -> set[int]:
    """Rows of a sheet's values (rows a reader dropped are empty) that may be rows of a table
    under a header: from each row that may head a table, while indicator codes keep coming,
    as a reader keeps them. The rows of a table located by its header are among them."""
    near: set[int] = set()
    keep_until = -1
    for index, row in enumerate(values):
        if not row:
            continue
        if may_head_table(row) or (index <= keep_until and may_hold_code(row)):
            keep_until = index + MAX_GAP + 2
        if index <= keep_until:
            near.add(index)
    return near
