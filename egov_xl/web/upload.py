"""Nộp / kiểm tra qua trình duyệt: each uploaded workbook is checked in a temporary folder that
is removed before the answer leaves; the annotated copy goes back inside the answer (a data
URL), so nothing is kept outside the archive. A signed-in clerk may archive a clean form (or
one with errors, with a reason) for their own unit, through the same put_checked as the add-in.

Which form of a workbook holding several (issue 19): archiving one, none chosen, archives
nothing; the answer lists the sheets holding a form and asks, and the choice comes back as the
field `trang` (the CLI's --sheet, the add-in pane's select). The server keeps nothing meanwhile:
the page carries the file's bytes back (base64 in the choice's form, when they fit the body
limit; else the clerk picks the file again), so the second post is an ordinary upload, checked,
limited and CSRF-bound like the first. Bytes kept on the server would be found by one worker
only (`--workers N`, or several hosts on PostgreSQL) and would be clerks' files outside the
archive's append-only tables."""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import definitions
from ..archive.store import Archive
from ..core.errors import UserError
from ..core.findings import FormReport, Severity
from ..core.periods import Period
from ..flows.archive import TitleMismatch, content_hash, put_checked
from ..flows.check import Checked, check_file, pick
from ..flows.references import against_archive
from ..output.annotate import annotate
from ..output.rows import finding_row, summary
from ..server import runtime
from ..server.observe import unreadable
from ..settings import Limits
from ..sources.formats import COPY, annotated_in_place
from ..workbook import isolated

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORDING = {"archive_many_forms": "web_many_forms"}  # the page's own sentence (no --sheet on the web)
CARRY_SLACK = 64 * 1024  # the other fields and the multipart framing beside a carried file


@dataclass
class Archiving:
    """What the clerk asked for: archive as `unit`, `period`, forcing errors with `reason`,
    confirming a title that names another unit or period with `confirm`."""

    unit: str
    period: Period
    by: str
    reason: str | None = None
    confirm: bool = False


@dataclass
class FileResult:
    name: str
    error: str | None = None
    forms: list[dict] = field(default_factory=list)
    annotated: str | None = None  # data URL of the annotated copy
    annotated_name: str | None = None
    stored: str | None = None  # sentence: archived as revision n
    refused: str | None = None  # sentence: not archived, and why
    no_copy: str | None = None  # sentence: checked, but too large for an annotated copy
    unchanged: str | None = None  # sentence: identical to a revision returned for correction
    ask: str | None = None  # sentence: several forms, archiving asked: which one (nothing archived)
    sheets: list[str] = field(default_factory=list)  # the sheets holding a form, to choose from
    carried: str | None = None  # the file's bytes in base64, for the choice's form (None: too large)

    @property
    def clean(self) -> bool:
        """Read, and no form in it with an error."""
        return self.error is None and bool(self.forms) and not any(f["summary"]["errors"] for f in self.forms)


def safe_name(name: str) -> str:
    """The file's own name without any folder, usable on every file system, shown as it is
    (no mark that reorders or hides what follows it)."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r'[\x00-\x1f<>:"/\\|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]', "_", base).strip(" .") \
        or "tep" + COPY.suffixes[0]  # bidi, zero-width: "bao-cao\u202exslx.xlsm" reads "bao-caomslx.xlsx"
    return base[:120]


def check_upload(name: str, data: bytes, archive: Archive, archiving: Archiving | None, lang: str = "vi",
                 limits: Limits | None = None, sheet: str | None = None) -> FileResult:
    """Check one uploaded file (and archive it when asked), read like every file through
    flows.check's opener with the settings' limits (the server's when not given); only the
    form of sheet `sheet` when given. A workbook holding several forms, archiving asked and no
    sheet chosen, has every form checked, nothing archived, and the answer asks which (`ask`,
    `sheets`, `carried`). Every sentence in `lang`, the annotated copy in Vietnamese (it is the
    form's own language)."""
    limits = limits or runtime.current().settings.limits
    words = definitions.catalogue(lang)
    name = safe_name(name)
    result = FileResult(name)
    with tempfile.TemporaryDirectory(prefix="egov-web-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            found = _of_sheet(check_file(path, limits=limits), name, sheet)
            if archiving and len(found) > 1:  # none chosen: asked, nothing archived
                _ask(result, found, name, data, words, limits)
                archiving = None
            checked = against_archive(archive, pick(found, name), archiving.unit, archiving.period) \
                if archiving else None
            reports = [checked.report] if checked else [c.report for c in found]
            result.forms = [_form(report, words) for report in reports]
            _annotated(result, path, Path(folder) / copy_name(path), reports, words, limits)  # every format
        except UserError as exc:
            unreadable(name, exc)
            shown = UserError(WORDING.get(exc.key, exc.key),
                              **{k: (Path(v).name if k == "path" else v) for k, v in exc.params.items()})
            result.error, result.forms = shown.render(words), []
            return result
        if archiving:
            _archive(result, checked, archive, archiving, data, words, limits)
    return result


def _of_sheet(found: list[Checked], name: str, sheet: str | None) -> list[Checked]:
    """The forms checked in the file, or the one of sheet `sheet` (a sheet holding no form, or
    none of that name, is one sentence naming the sheets that do)."""
    if sheet is None:
        return found
    chosen = [c for c in found if c.form.sheet == sheet]
    if not chosen:
        raise UserError("web_sheet_no_form", path=name, sheet=sheet, sheets=", ".join(c.form.sheet for c in found))
    return [pick(chosen, name, sheet)]


def _ask(result: FileResult, found: list[Checked], name: str, data: bytes, words, limits: Limits) -> None:
    """Several forms and none chosen: the question, the sheets to choose from and the bytes the
    page carries back (when their base64 fits the body limit). Nothing is archived."""
    sheets = [c.form.sheet for c in found]
    result.ask = words.text("web_many_forms", path=name, count=len(sheets), sheets=", ".join(sheets))
    result.sheets = sheets
    if len(data) * 4 // 3 + CARRY_SLACK <= limits.max_body_bytes:
        result.carried = base64.b64encode(data).decode()


def carried_file(name: str, text: str, limits: Limits) -> tuple[str, bytes]:
    """A file the choice's form carried back (see the module's note): its name and bytes; text
    that is not base64, or decodes to more than the body limit, is the upload's refusal."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise UserError("web_carried_malformed", path=safe_name(name)) from None
    if len(data) > limits.max_body_bytes:
        raise UserError("web_carried_malformed", path=safe_name(name))
    return name, data


def copy_name(path: Path) -> str:
    """The annotated copy's name: kiem-tra-<name> for an .xlsx/.xlsm (kept as it is), an .xlsx
    named with the kind it came from for anything else (kiem-tra-bao-cao-docx.xlsx)."""
    if annotated_in_place(path):  # sources/formats.py: the kinds openpyxl writes
        return "kiem-tra-" + path.name
    return f"kiem-tra-{path.stem}-{path.suffix.lower().lstrip('.')}{COPY.suffixes[0]}"


def _annotated(result: FileResult, path: Path, target: Path, reports, words, limits: Limits) -> None:
    """The annotated copy, as a data URL; a workbook too large for it keeps its findings and
    says why it has no copy. Any other failure (openpyxl refusing a part calamine never read)
    is the file's answer. openpyxl builds millions of objects for a large workbook, and the
    interpreter's full collections of them (up to ~0.5 s each, holding its lock) would pause the
    event loop: the copy is written in a reader process (and within its memory limit)."""
    try:
        isolated.run(_write_copy, path, limits, target, reports)
    except UserError as exc:
        if exc.key != "limit_annotate":
            raise
        shown = UserError(exc.key, **{k: (Path(v).name if k == "path" else v) for k, v in exc.params.items()})
        result.no_copy = shown.render(words)
        return
    result.annotated_name = target.name
    result.annotated = f"data:{XLSX};base64," + base64.b64encode(target.read_bytes()).decode()


def _write_copy(path: Path, limits: Limits, target: Path, reports: list[FormReport]) -> None:
    """In a reader process: the annotated copy, in Vietnamese (the form's own language)."""
    annotate(path, target, reports, definitions.catalogue("vi"), limits)


def _form(report: FormReport, words) -> dict:
    rows = []
    for finding in report.findings:
        row = finding_row(finding, words)
        row["severity_text"] = words.severity(finding.severity)
        row["cell_a1"] = finding.cell.a1 if finding.cell else ""
        row["sheet"] = finding.cell.sheet if finding.cell else ""
        rows.append(row)
    return {"sheet": report.sheet, "title": report.form_title, "summary": summary(report), "findings": rows}


def _archive(result: FileResult, checked, archive: Archive, archiving: Archiving, data: bytes, words,
             limits: Limits) -> None:
    digest = content_hash(checked)  # the values' hash, as from the CLI and the add-in
    try:
        put = put_checked(archive, checked, archiving.unit, archiving.period, archiving.by, result.name, digest,
                          force_reason=archiving.reason or None, confirm_mismatch=archiving.confirm,
                          source_file=data, limits=limits)
    except TitleMismatch as exc:
        result.refused = exc.worded("web_title_mismatch").render(words)
        return
    if put.stored is None:
        params = dict(path=result.name, errors=put.report.count(Severity.ERROR))
        result.refused = words.text("web_refused", **params)
        return
    params = dict(form=checked.form.edition.short_title, unit=archiving.unit, period=archiving.period.label,
                  revision=put.stored.revision)
    result.stored = words.text("archive_stored", **params)
    if put.unchanged is not None:  # the very file the office returned: archived, but said so, here and on the board
        result.unchanged = words.text("archive_unchanged", revision=put.unchanged)
