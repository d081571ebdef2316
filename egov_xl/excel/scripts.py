"""The ribbon's and the task pane's scripts: Kiểm tra, Làm mới so sánh kỳ trước, Lưu kỳ báo cáo,
Tổng hợp; and for the task pane the unit-and-period setting and the review status.

Each runs the engine (and the archive) on the workbook Excel sent and answers with actions
Excel applies: colours, notes, the sheet "Kiểm tra", comparison columns, a one-line message.
Database work (the archive, the function context) runs in a worker thread, so one clerk's
query never blocks another's call; Kiểm tra's check itself is pure computation and runs inline.
A script touches only the book of its own request: its message goes into that book's actions.
Arguments after the book come from our ribbon/task-pane JavaScript:
details (number formats and formulas, JSON), then the script's own.
"""

# No `from __future__ import annotations` here: xlwings resolves each script's type hints on
# every call (typing.get_type_hints, twice), and string annotations would be compiled each time.

import json
import logging
import math

import anyio
import xlwings as xw
from xlwings.server import script
from xlwings_server.models import CurrentUser

from .. import definitions
from ..archive.store import Accepted, Archive
from ..core.errors import UserError
from ..core.findings import Severity
from ..core.grid import WorkbookGrid
from ..core.periods import Period, parse_period
from ..flows.archive import TitleMismatch, content_hash, put_checked
from ..flows.board import unit_children
from ..flows.check import Checked, pick
from ..flows.compare import compare_form
from ..server import runtime
from ..template.build import NOTE, PERIOD_CHOICES, PERIOD_NAME, PRIOR, UNIT_NAME, VALUE, YEAR_NAME
from . import access, state
from .stamp import send_stamp
from .book import (SaidOnce, book_context, book_grids, check_book, clear_marks, mark_cells, parse_details,
                   previous_marks, row_statuses, summary_line, write_block, write_report)
from .reply import encode_reply

TITLE = "egov-xl"
logger = logging.getLogger(__name__)


def archive() -> Archive:
    """The archive this server process writes to (see egov_xl.server.runtime)."""
    return runtime.current().archive()


def _catalogue(lang: str):
    return definitions.catalogue(lang or "vi")


def _say(book: xw.Book, text: str, notify: str) -> None:
    """A message box in the calling workbook. Not `book.app.alert`: xlwings' remote App is
    one per process and sends its alert to the book opened last, another clerk's request."""
    if notify != "silent":
        book.impl.append_json_action(func="alert", args=[text, TITLE, "ok", "", ""])


def _where(book: xw.Book, unit: str, period: str, catalogue, user) -> tuple[str, Period]:
    """Unit and period: the script's arguments, else the template's named cells."""
    context = book_context(book)
    unit = (unit or context.unit or "").strip()
    text = (period or context.period_text or "").strip()
    if not unit or not text:
        raise _Stop(catalogue.text("addin_no_context"))
    when = parse_period(text)
    state.remember(user, book.name, unit, when.key)
    return unit, when


class _Stop(Exception):
    """Ends a script with one sentence to the clerk; nothing else is changed."""


def _checked_form(book: xw.Book, details: str, catalogue, sheet: str = "") -> tuple[WorkbookGrid, list[Checked], Checked]:
    """The workbook's grids, every form checked, and the one form to work on: the same pick as
    the CLI and the web (flows.check.pick), the form of `sheet` when given; several forms, none
    chosen, is said in one sentence naming their sheets (and the task pane is sent them to
    choose from); a form of no known edition is refused."""
    grids = book_grids(book, parse_details(details))
    checked = check_book(book, grids=grids)
    _offer_forms(book, checked)
    try:
        form = pick(checked, book.name, sheet.strip() or None)
    except UserError as exc:
        raise UserError(WORDING.get(exc.key, exc.key), **exc.params) from None
    if not form.form.recognised:
        raise _Stop(catalogue.text("template_unknown_form", path=book.name))
    return grids, checked, form


WORDING = {"archive_many_forms": "addin_many_forms"}  # the add-in's own way to choose (the pane, no --sheet)
FORMS_CALLBACK = "egovForms"  # registered by the task pane (addin/static/js/forms.js)


def _offer_forms(book: xw.Book, checked: list[Checked]) -> None:
    """Send the task pane the sheets holding a form: with several it offers them to choose from
    and sends the chosen one as `sheet` (nothing guesses one). Sent from the ribbon's commands
    too (one runtime for the ribbon and the pane, like egovStamp): the ribbon's refusal names
    the sheets and points to the pane, which then lists them."""
    sheets = list(dict.fromkeys(item.form.sheet for item in checked))
    book.impl.append_json_action(func="runMacro", args=[FORMS_CALLBACK, json.dumps(sheets, ensure_ascii=False)])


def _outcome(catalogue, body) -> tuple[str, bool]:
    """The script's one sentence and whether it did its work: what `body` says, or why it
    stopped. A UserError it raises (a file, a period, the archive) is rendered here: the one
    place the scripts render them."""
    try:
        return body(catalogue), True
    except _Stop as stop:
        return str(stop), False
    except UserError as exc:
        return exc.render(catalogue), False


def _answer(catalogue, body) -> str:
    return _outcome(catalogue, body)[0]


SAID_CALLBACK = "egovSaid"  # registered by the task pane (addin/static/js/main.js)


def _run(book: xw.Book, lang: str, notify: str, body) -> None:
    """Run `body`; its sentence goes to a message box ("alert", the ribbon), or, for the task
    pane ("silent"), to the pane's own line, marked "refused" when nothing was done (a refused
    save must never read "Xong.")."""
    encode_reply(book)
    text, done = _outcome(_catalogue(lang), body)
    _say(book, text, notify)
    if notify == "silent":
        book.impl.append_json_action(func="runMacro", args=[SAID_CALLBACK, text, "ok" if done else "refused"])


@script
async def kiem_tra(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "alert",
                   lang: str = "vi"):
    """Kiểm tra: mark flagged cells, note each, list findings on the sheet "Kiểm tra"."""

    checked_rows: dict[str, dict[str, str]] = {}

    def body(catalogue) -> str:
        checked = check_book(book, parse_details(details))  # every form of the workbook, as `validate` does
        _offer_forms(book, checked)
        findings = [f for item in checked for f in item.report.findings]
        said = SaidOnce(catalogue)
        _mark(book, checked, findings, said)
        send_stamp(book, checked)
        checked_rows["statuses"] = row_statuses(findings, said if catalogue.lang == "vi" else None)
        return summary_line(findings, catalogue)

    # The check of a form is pure computation (about 1 ms): inline, never a thread competing for
    # the GIL. A larger book (a data sheet, or a payload made to be slow: 170,000 rows held the
    # event loop, and every other clerk, for 10 s) is checked in a thread. Only the statuses
    # EGOV.CHECK reads go to the database, in a thread.
    if _cells(book) <= INLINE_CELLS:
        _run(book, lang, notify, body)
    else:
        await anyio.to_thread.run_sync(_run, book, lang, notify, body)
    if "statuses" in checked_rows:
        await anyio.to_thread.run_sync(_remember_statuses, current_user, book.name, checked_rows["statuses"])


INLINE_CELLS = 20_000  # cells of a book checked on the event loop itself


def _cells(book: xw.Book) -> float:
    """The cells the client sent (rows × width of each sheet); a payload of another shape counts
    as large (it goes to a thread, where its failure is answered like any other)."""
    try:
        return sum(len(sheet["values"]) * len(sheet["values"][0] if sheet["values"] else ())
                   for sheet in book.impl.api["sheets"])
    except (KeyError, TypeError, IndexError):
        return math.inf


def _remember_statuses(user, book_name: str, statuses: dict[str, str]) -> None:
    try:
        state.remember_statuses(user, book_name, statuses)
    except UserError as exc:  # the archive failed; the clerk still gets the check; EGOV.CHECK answers from the last one stored
        logger.warning("function context not stored: %s", exc)


def _mark(book: xw.Book, checked, findings, catalogue) -> None:
    cleared = clear_marks(book, previous_marks(book), checked)
    mark_cells(book, findings, catalogue, cleared)
    write_report(book, checked, findings, catalogue)


@script
async def lam_moi_so_sanh(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "alert",
                          lang: str = "vi", unit: str = "", period: str = "", sheet: str = ""):
    """Làm mới so sánh kỳ trước: prior value, change and % beside each row; plausibility marks;
    a workbook of several forms unless `sheet` names one."""

    def body(catalogue) -> str:
        where_unit, when = _where(book, unit, period, catalogue, current_user)
        store = archive()
        if not access.may_read(current_user, where_unit, unit_children(store)):
            raise _Stop(catalogue.text("addin_forbidden_read", unit=where_unit))
        _, checked, form = _checked_form(book, details, catalogue, sheet)
        result = compare_form(store, form, where_unit, when)
        _write_comparison(book, form, result.comparison, catalogue)
        findings = [f for item in checked for f in item.report.findings] + result.comparison.findings
        _mark(book, checked, findings, catalogue)
        reference = result.comparison.previous or result.comparison.last_year
        prior = reference.window.label if reference else catalogue.text("compare_none")
        return catalogue.text("addin_refreshed", period=when.label, prior=prior,
                              flagged=len(result.comparison.findings))

    await anyio.to_thread.run_sync(_run, book, lang, notify, body)


def _comparison_columns(checked) -> tuple[int, int]:
    """(header row, first of the three columns Kỳ trước | Chênh lệch | %), 1-based: the
    template's own columns, or the three columns right of the table."""
    region = checked.form.table.region
    columns = region.columns
    header_row = (region.header_row if region.header_row is not None else region.code_rows[0] - 1) + 1
    if columns.value == VALUE - 1 and columns.note == NOTE - 1:  # the template's layout
        return header_row, PRIOR
    last = max(c for c in (columns.code, columns.label, columns.unit, columns.value, columns.note) if c is not None)
    return header_row, last + 2


def _write_comparison(book: xw.Book, checked, comparison, catalogue) -> None:
    sheet = book.sheets[checked.form.sheet]
    header_row, prior_col = _comparison_columns(checked)
    write_block(sheet.range((header_row, prior_col)), [[catalogue.text("col_prior_short"),
                                                      catalogue.text("col_change"), catalogue.text("col_change_pct")]])
    rows = {row.code: row for row in comparison.rows}
    for code, form_row in checked.form.rows.items():
        compared = rows.get(code)
        line = form_row.cells.row + 1
        if compared is None or compared.prior is None:
            write_block(sheet.range((line, prior_col)), [[None, None, None]])
            continue
        change = None if compared.change is None else float(compared.change)
        pct = None if compared.change_pct is None else round(float(compared.change_pct), 1)
        write_block(sheet.range((line, prior_col)), [[float(compared.prior), change, pct]])


@script
async def luu_ky_bao_cao(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "alert",
                         lang: str = "vi", unit: str = "", period: str = "", reason: str = "",
                         accepted: str = "", confirm: str = "", sheet: str = ""):
    """Lưu kỳ báo cáo: validate, then archive as a new revision; refuse errors without a reason,
    a title naming another unit or period unless `confirm` ("1" from the task pane's box), a
    workbook of several forms unless `sheet` names one."""

    def body(catalogue) -> str:
        where_unit, when = _where(book, unit, period, catalogue, current_user)
        if not access.may_write(current_user, where_unit):
            raise _Stop(catalogue.text("addin_forbidden_write", unit=where_unit))
        _, _, form = _checked_form(book, details, catalogue, sheet)
        # on a shared server (sign-in on) only a unit the admin imported is archived; one PC creates its own
        # the add-in sends values, not a file: the content hash is the values' (flows.archive.content_hash)
        try:
            result = put_checked(archive(), form, where_unit, when, access.who(current_user),
                                 book.name, content_hash(form), _accepted(accepted), reason.strip() or None,
                                 create_unit=not access.auth_enabled(),
                                 confirm_mismatch=confirm.strip().lower() in ("1", "true"))
        except TitleMismatch as exc:
            raise exc.worded("addin_title_mismatch") from None
        if result.stored is None:
            raise _Stop(catalogue.text("addin_refused_errors", errors=result.report.count(Severity.ERROR)))
        stored = catalogue.text("archive_stored", form=form.form.edition.short_title, unit=where_unit,
                                period=when.label, revision=result.stored.revision)
        if result.unchanged is None:
            return stored
        return stored + " " + catalogue.text("archive_unchanged", revision=result.unchanged)

    await anyio.to_thread.run_sync(_run, book, lang, notify, body)


def _accepted(text: str) -> list[Accepted]:
    """[{"rule": …, "code": …, "reason": …}] from the task pane."""
    if not text:
        return []
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # "[[[[…" 200,000 deep: none accepted, not a 500
        return []
    return [Accepted(str(i["rule"]), i.get("code") or None, str(i["reason"]).strip())
            for i in items if isinstance(i, dict) and i.get("rule") and str(i.get("reason", "")).strip()] \
        if isinstance(items, list) else []


@script
async def dat_don_vi_ky(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "alert",
                        lang: str = "vi", unit: str = "", period: str = ""):
    """Task pane: remember (and, in a template, write) the unit and period of this workbook."""

    def body(catalogue) -> str:
        where_unit, when = _where(book, unit, period, catalogue, current_user)
        _write_context(book, where_unit, when)
        return catalogue.text("addin_context_set", unit=where_unit, period=when.label)

    await anyio.to_thread.run_sync(_run, book, lang, notify, body)


def _write_context(book: xw.Book, unit: str, when: Period) -> None:
    """Into the template's named cells, or a small sheet "egov-xl" with the same names."""
    names = {item.name: item for item in book.names}
    values = {UNIT_NAME: unit, PERIOD_NAME: PERIOD_CHOICES.get(when.kind, when.label), YEAR_NAME: when.year}
    if all(name in names for name in values):
        for name, value in values.items():
            write_block(names[name].refers_to_range, [[value]])
        return
    sheet_names = [s.name for s in book.sheets]
    sheet = book.sheets["egov-xl"] if "egov-xl" in sheet_names else book.sheets.add(
        name="egov-xl", after=book.sheets[len(sheet_names) - 1])
    write_block(sheet["A1"], [["Đơn vị báo cáo", unit], ["Kỳ báo cáo", values[PERIOD_NAME]], ["Năm", when.year]])
    for row, name in enumerate((UNIT_NAME, PERIOD_NAME, YEAR_NAME), start=1):
        if name not in names:
            book.names.add(name, f"='egov-xl'!$B${row}")


@script
async def tong_hop(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "alert",
                   lang: str = "vi", unit: str = "", period: str = "", sheet: str = ""):
    """Tổng hợp: the consolidating unit's form filled from its units' current revisions, with the
    sheets "Chi tiết tổng hợp" and "Thiếu và lỗi"; a workbook of several forms unless `sheet`
    names the one to fill."""

    def body(catalogue) -> str:
        from ..flows.board import units_below
        from ..flows.consolidate import consolidate_unit
        from .consolidation import write_consolidated

        where_unit, when = _where(book, unit, period, catalogue, current_user)
        store = archive()
        readable = access.units_read_by(current_user, unit_children(store))  # the tree read once, not per unit
        for code in [where_unit, *(child.code for child in units_below(store, where_unit))]:
            if readable is not None and code not in readable:
                raise _Stop(catalogue.text("addin_forbidden_consolidate", unit=where_unit, child=code))
        grids, _, form = _checked_form(book, details, catalogue, sheet)
        result = consolidate_unit(store, where_unit, when, form.form.edition.id)
        write_consolidated(book, grids, form, result, catalogue)
        total = result.consolidation
        key = "addin_consolidated_partial" if total.partial else "addin_consolidated"
        return catalogue.text(key, form=result.edition.short_title, unit=where_unit, period=when.label,
                              n=len(total.included), of=len(total.expected), missing=len(total.missing))

    await anyio.to_thread.run_sync(_run, book, lang, notify, body)


STATUS_CALLBACK = "egovReviewStatus"  # registered by the task pane (addin/static/js/main.js)


@script
async def trang_thai(book: xw.Book, current_user: CurrentUser, details: str = "", notify: str = "silent",
                     lang: str = "vi", unit: str = "", period: str = ""):
    """Task pane: where this workbook's report stands (archived? reviewed? returned, and why)."""
    state_of: dict[str, str] = {}

    def body(catalogue) -> str:
        from ..flows.review_status import standing

        where_unit, when = _where(book, unit, period, catalogue, current_user)
        store = archive()
        if not access.may_read(current_user, where_unit, unit_children(store)):
            raise _Stop(catalogue.text("addin_forbidden_read", unit=where_unit))
        found = standing(store, where_unit, when)
        state_of["state"] = found.state
        if found.revision is None:
            return catalogue.text("addin_status_none", unit=where_unit, period=when.label)
        where = {"unit": where_unit, "period": when.label, "revision": found.revision.revision}
        if found.review is None:
            return catalogue.text("addin_status_pending", **where)
        review = found.review
        said = {"by": review.reviewed_by, "at": _local_time(review.reviewed_at)}
        if review.decision == "returned":
            return catalogue.text("addin_status_returned", reason=review.reason or "", **where, **said)
        return catalogue.text("addin_status_accepted", **where, **said)

    def run() -> None:
        encode_reply(book)
        message = _answer(_catalogue(lang), body)
        # the pane's own callback shows it (through this request's actions, like every message)
        book.impl.append_json_action(func="runMacro", args=[STATUS_CALLBACK, message, state_of.get("state", "")])
        _say(book, message, notify)

    await anyio.to_thread.run_sync(run)


def _local_time(moment) -> str:
    from ..archive.calendar import load_calendar

    zone = load_calendar(runtime.current().settings.calendar_file).zone
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")
