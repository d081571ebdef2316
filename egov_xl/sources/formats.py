"""The kinds of file egov-xl reads: one record per format, the only place that knows suffixes.

Every place that asks "which files", "how is it read", "what may it cost", "where does its
annotated copy go" or "can it carry a stamp" reads these records: the readers' dispatch
(sources/__init__.py), calamine's number formats (calamine_book.py), the cheap pre-checks
(workbook/limits.py), the details of the located rows (workbook/read.py), the annotated copy
(output/annotate.py, web/upload.py), the stamp (flows/stamp.py), the upload page's `accept`
list and the sentence for a file of no known kind. Adding a format is one record here and its
reader module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ReadError


@dataclass(frozen=True, slots=True)
class Format:
    """One kind of input file."""

    kind: str  # a short name ("xlsx"), for tests and logs
    suffixes: tuple[str, ...]  # lower case, with the dot
    reader: str  # the module in egov_xl/sources with read(path, limits) and ERRORS
    precheck: str  # the cheap check of egov_xl/workbook/limits.py (a key of its PRECHECKS)
    damaged: str = "file_unreadable"  # the sentence for a broken zip ("file_damaged": save it again from Excel)
    number_formats: str | None = None  # module in egov_xl/sources with apply(path, workbook), after calamine
    details: bool = False  # number formats and formulas of the located rows read from its parts
    typed: bool = True  # False: it holds text only (CSV, Word), so "type it as a number" is moot
    document: bool = False  # tables in a document (Word), not a spreadsheet: the sentences say so
    in_place: bool = False  # openpyxl writes it: the annotated copy keeps its kind; else a new .xlsx
    macros: bool = False  # openpyxl keeps its VBA when it writes the copy
    stamp: bool = False  # a package with custom document properties: it can carry the validation stamp
    admin_table: bool = False  # an administrator's table (units, clerks) may come in it


FORMATS: tuple[Format, ...] = (
    Format("xlsx", (".xlsx",), "calamine_book", "xlsx", damaged="file_damaged", details=True, in_place=True,
           stamp=True, admin_table=True),
    Format("xlsm", (".xlsm",), "calamine_book", "xlsx", damaged="file_damaged", details=True, in_place=True,
           macros=True, stamp=True, admin_table=True),
    Format("xlsb", (".xlsb",), "calamine_book", "xlsb"),
    Format("xls", (".xls",), "calamine_book", "ole", number_formats="xls_formats", admin_table=True),
    Format("ods", (".ods",), "calamine_book", "ods", number_formats="ods_formats", admin_table=True),
    Format("csv", (".csv",), "csv_text", "size", typed=False, admin_table=True),
    Format("docx", (".docx",), "docx_tables", "docx", typed=False, document=True),
)
BY_SUFFIX: dict[str, Format] = {suffix: f for f in FORMATS for suffix in f.suffixes}
SUFFIXES: tuple[str, ...] = tuple(BY_SUFFIX)  # every suffix read, in the records' order
COPY = FORMATS[0]  # the kind of a new annotated copy of a file openpyxl cannot write (.xlsx)


def format_of(path: str | Path) -> Format | None:
    """The record for the file's suffix (any case), None for a kind egov-xl does not read."""
    return BY_SUFFIX.get(Path(path).suffix.lower())


def required(path: str | Path) -> Format:
    """The record for the file's suffix; the "not a format egov-xl reads" sentence otherwise."""
    found = format_of(path)
    if found is None:
        raise unreadable(path)
    return found


def unreadable(path: str | Path) -> ReadError:
    """The sentence for a file of no known kind, listing what is read (spreadsheets, documents)."""
    return ReadError("file_format", path=str(path), spreadsheets=listed(lambda f: not f.document),
                     documents=listed(lambda f: f.document))


def listed(which=lambda f: True, sep: str = ", ", last: str | None = None) -> str:
    """The suffixes of the records `which` picks, as a clerk reads them (".xlsx, .xlsm"; with
    `last` " hoặc ": ".xlsx, .csv hoặc .docx")."""
    items = [suffix for f in FORMATS if which(f) for suffix in f.suffixes]
    if last is None or len(items) < 2:
        return sep.join(items)
    return sep.join(items[:-1]) + last + items[-1]


def stampable(path: str | Path) -> bool:
    found = format_of(path)
    return found is not None and found.stamp


def annotated_in_place(path: str | Path) -> bool:
    """openpyxl writes the kind: the annotated copy keeps it (else the copy is a new .xlsx)."""
    found = format_of(path)
    return found is not None and found.in_place
