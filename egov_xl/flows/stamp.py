"""The validation stamp's use cases: stamp a checked copy, verify a file, tell the archive.

Which form a stamp covers: the first form table of a known edition in the file (the one the
add-in's buttons act on); its sheet is recorded. Only .xlsx/.xlsm files carry a stamp (a CSV
has no document properties): `stamp_copy` refuses any other input with one sentence rather
than write a converted workbook the clerk did not fill.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from .. import __version__, definitions
from ..core.stamp import PREFIX, Change, Stamp, StampError, changes, from_properties, make_stamp, to_properties, \
    values_hash
from ..output.files import SameFileError
from ..output.doc_props import PropsError, read_properties, write_properties
from ..settings import Limits
from ..sources.formats import COPY, listed, stampable
from .check import Checked, check_file
from ..sources.errors import existing_file
from ..workbook import ReadError
from ..workbook.limits import guard

INTACT, CHANGED, NONE = "intact", "changed", "none"


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stamped_form(checked: list[Checked], path: str | Path) -> Checked:
    """The form a stamp covers: the first of a known edition."""
    for item in checked:
        if item.form.recognised and item.form.report is not None:
            return item
    raise ReadError("stamp_no_form", path=str(path))


def stamp_of(checked: Checked, checked_at: str | None = None) -> Stamp:
    return make_stamp(checked.form.report, checked.report, rules_version=definitions.rules_version(),
                      version=__version__, checked_at=checked_at or now_utc())


def stamp_properties(checked: list[Checked], path: str | Path) -> dict[str, str]:
    """The custom properties to write after a check (the add-in sends these to Excel)."""
    return to_properties(stamp_of(stamped_form(checked, path)))


def stamp_copy(source: Path, target: Path, checked: list[Checked]) -> Stamp:
    """Write `target`: a copy of `source` carrying the stamp of its check. Raises ReadError
    for an input that cannot carry one, SameFileError when `target` is `source`, OSError."""
    if not stampable(source):  # sources/formats.py: the packages with custom document properties
        raise ReadError("stamp_not_package", path=str(source), formats=listed(lambda f: f.stamp, "/"),
                        suffix=COPY.suffixes[0])
    if target.suffix.lower() != source.suffix.lower():
        raise ReadError("stamp_suffix", out=str(target), suffix=source.suffix.lower())
    stamp = stamp_of(stamped_form(checked, source))
    try:
        write_properties(source, target, to_properties(stamp), lambda name: name.startswith(PREFIX))
    except SameFileError:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, ValueError, KeyError) as exc:  # a damaged package
        raise ReadError("file_unreadable", path=str(source), reason=str(exc)[:200]) from None
    return stamp


@dataclass(frozen=True, slots=True)
class Verification:
    status: str  # INTACT, CHANGED or NONE
    stamp: Stamp | None = None
    changes: list[Change] = field(default_factory=list)
    values_hash: str | None = None  # of the values in the file now


def read_stamp(path: Path) -> Stamp | None:
    """The file's stamp, None when it has none. Raises ReadError for a damaged stamp or file."""
    existing_file(path)
    if not stampable(path):
        return None
    try:
        return from_properties(read_properties(path))
    except (StampError, PropsError) as exc:
        raise ReadError("stamp_damaged", path=str(path), reason=str(exc)[:200]) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=str(exc)[:200]) from None


def verify_file(path: Path, limits: Limits | None = None) -> Verification:
    """Compare the file's values now with its stamp. Raises ReadError for an unreadable file
    (the workbook limits are checked before any part of it is read)."""
    path = Path(path)
    if path.is_file() and stampable(path):
        guard(path, limits or Limits())
    stamp = read_stamp(path)
    if stamp is None:
        return Verification(NONE)
    return verify_checked(stamp, check_file(path, limits=limits), path)


def verify_checked(stamp: Stamp, checked: list[Checked], path: str | Path) -> Verification:
    """Compare already checked forms with a stamp: the form on the stamped sheet, else the
    first of a known edition."""
    on_sheet = [c for c in checked if c.form.sheet == stamp.sheet and c.form.report is not None]
    form = on_sheet[0] if on_sheet else stamped_form(checked, path)
    report = form.form.report
    found = changes(stamp, report)
    return Verification(CHANGED if found else INTACT, stamp, found, values_hash(report))


def archive_record(path: str | Path, checked: Checked) -> dict:
    """What `archive put` keeps of a file's stamp in the submission's summary: its status
    (none / intact / changed), the stamp's values hash and check time, the archived values' hash."""
    current = values_hash(checked.form.report) if checked.form.report is not None else None
    try:
        stamp = read_stamp(Path(path))
    except ReadError:
        return {"status": "damaged", "values_hash": current}
    if stamp is None:
        return {"status": NONE, "values_hash": current}
    verdict = verify_checked(stamp, [checked], path)
    return {"status": verdict.status, "values_hash": current, "stamp_hash": stamp.values_hash,
            "checked_at": stamp.checked_at, "rules_version": stamp.rules_version}


def stamped_path(source: Path, target: Path, into_folder: bool) -> Path:
    """Where the stamped copy of `source` goes: `target`, or `<stem>.da-kiem-tra<suffix>` in
    the folder `target` (several inputs)."""
    return target / f"{source.stem}.da-kiem-tra{source.suffix}" if into_folder else target
