"""Reading input files into grids (the first step of the flow: workbook → grid)."""

from ..sources.errors import ReadError
from .read import load_details, read_workbook, start_reading

__all__ = ["ReadError", "load_details", "read_workbook", "start_reading"]
