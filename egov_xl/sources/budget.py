"""What a whole file may hold: each sheet (or Word table) within `max_sheet_cells` and all of
them together within `max_file_cells`, counted as a reader allocates them (rows × columns from
A1). The limits guard counts before the reader runs, the readers count what they really got."""

from __future__ import annotations

from ..core.amounts import Amount
from ..settings import Limits
from .errors import ReadError


class CellBudget:
    """Cells taken so far from one file's budget; `take` raises the file's sentence when over."""

    def __init__(self, path, limits: Limits) -> None:
        self.path, self.limits, self.used = str(path), limits, 0

    def take(self, sheet: str, rows: int, cols: int) -> None:
        cells = rows * cols
        if cells > self.limits.max_sheet_cells:
            raise ReadError("limit_cells", path=self.path, sheet=sheet, rows=Amount(rows), cols=Amount(cols),
                            limit=Amount(self.limits.max_sheet_cells))
        self.used += cells
        if self.used > self.limits.max_file_cells:
            raise ReadError("limit_file_cells", path=self.path, cells=Amount(self.used),
                            limit=Amount(self.limits.max_file_cells))
