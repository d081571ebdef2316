"""Reading input files into grids (the first step of the flow: workbook → grid)."""

from .read import ReadError, load_details, read_workbook

__all__ = ["ReadError", "load_details", "read_workbook"]
