"""The receiving office's web console under /bao-cao: login, the completeness board and its
.xlsx export, upload and check, a unit's page with its revisions and charts, reviews."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from datetime import datetime
from typing import Annotated
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi import Query as InQuery
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException

from .. import definitions
from ..archive.calendar import load_calendar
from ..archive.db import ArchiveError
from ..core.errors import UserError
from ..core.periods import parse_period
from ..excel import access
from ..excel.access import grant_for, token_digest
from ..server import runtime
from ..flows import board as reads, review as reviews
from ..sources.formats import SUFFIXES
from ..flows.consolidate import consolidate_unit
from . import charts, consolidation, wording
from .board import PAGE_SIZE, STATES, Query, build_board
from .export import board_xlsx
from .session import (PATH, Visitor, base, check_csrf, csrf_token, end, signed_in, start_session, visitor,
                      write_cookie)
from ..core.spec import Kind
from .unit import (blocks, difference, missed_periods, peer_view, period_comparison, ratio_codes, row_names,
                   row_specs, same_kind_siblings, series, submitted_form)
from .upload import XLSX, Archiving, carried_file, check_upload

router = APIRouter(prefix=PATH, include_in_schema=False)
TEMPLATES = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True,
    undefined=jinja2.StrictUndefined))
MAX_FILES = MAX_FIELDS = 20  # one upload
MAX_NUMBER = 2**31 - 1  # a revision or page number in an address: an integer column of either database
Number = Annotated[int | None, InQuery(ge=-MAX_NUMBER, le=MAX_NUMBER)]
STATIC = "/static/vendor/bootstrap-xlwings/5.3.3-2/dist/bootstrap-xlwings.min.css"


def _text(lang: str, key: str, **params) -> str:
    return definitions.catalogue(lang).text(key, **params)


TEMPLATES.env.globals.update(css=STATIC, base=PATH, quote=quote, **wording.GLOBALS)
TEMPLATES.env.filters.update(wording.FILTERS)


def _where() -> dict[str, str]:
    """The console's own address and its style sheet's, under the public URL's prefix."""
    return {"base": base(), "css": runtime.current().settings.app_path + STATIC}


def _page(request: Request, found: Visitor, name: str, status: int = 200, **context) -> HTMLResponse:
    lang = wording.language(request)
    response = TEMPLATES.TemplateResponse(
        request, name, {"me": found, "csrf": csrf_token(found), "lang": lang, "zone": _calendar().zone,
                        "here": wording.here(request), **_where(), **context}, status_code=status)
    if found.fresh:
        write_cookie(request, response, found)
    return response


def _deny(request: Request, found: Visitor, key: str, status: int = 403, **params) -> HTMLResponse:
    return _page(request, found, "message.html", status=status,
                 message=_text(wording.language(request), key, **params))


def refused_input(request: Request) -> HTMLResponse:
    """A tampered address or form (a revision or page that is no number, or beyond any): the
    page's one sentence, 400, instead of FastAPI's English list of what failed (or a 500 from the
    database for a number wider than its column)."""
    return _deny(request, visitor(request), "web_bad_request", status=400)


REFUSALS = {404: "web_not_found", 403: "web_session_expired"}  # the console's HTTPExceptions (session.check_csrf)


def http_refusal(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
    """A console address that does not exist, or a form whose session has ended: the page with
    one sentence in the reader's language instead of Starlette's JSON."""
    return _deny(request, visitor(request), REFUSALS[exc.status_code], status=exc.status_code)


def _refuse(request: Request, found: Visitor, error: UserError) -> HTMLResponse:
    """A UserError as the page's one sentence in the reader's language: the one place the pages
    render them. The archive unreachable is 503; bad input (a period, a file) is 400."""
    status = 503 if isinstance(error, ArchiveError) else 400
    text = error.render(definitions.catalogue(wording.language(request)))
    return _page(request, found, "message.html", status=status, message=text)


def _archive():
    return runtime.current().archive()


def _calendar():
    return load_calendar(runtime.current().settings.calendar_file)


# login -----------------------------------------------------------------------------------------

@router.get("/dang-nhap", response_class=HTMLResponse)
def login_form(request: Request):
    return _page(request, visitor(request), "login.html", failed=False)


@router.post("/dang-nhap")
def login(request: Request, token: str = Form(""), csrf: str = Form("")):
    found = visitor(request)
    check_csrf(found, csrf)
    limiter = runtime.current().auth_failures  # the add-in's count: per client address and token
    client = request.client.host if request.client else "?"
    token = token.strip()
    if (wait := limiter.wait(client, token)) > 0:
        return _too_many(request, found, client, wait)
    grant = grant_for(token, runtime.current().settings.tokens_file) if token else None
    if grant is None:
        if (wait := limiter.fail(client, token)) > 0:
            return _too_many(request, found, client, wait)
        return _page(request, found, "login.html", status=401, failed=True)
    response = RedirectResponse(base(), status_code=303)
    write_cookie(request, response, start_session(token_digest(token)))
    return response


def _too_many(request: Request, found: Visitor, client: str, wait: float) -> HTMLResponse:
    seconds = max(1, math.ceil(wait))
    response = _deny(request, found, "http_too_many_failures", status=429, client=client,
                     count=runtime.current().auth_failures.limit, seconds=seconds)
    response.headers["Retry-After"] = str(seconds)
    return response


@router.post("/dang-xuat")
def logout(request: Request, csrf: str = Form("")):
    found = visitor(request)
    check_csrf(found, csrf)
    if found.grant is not None:
        end(found)
    response = RedirectResponse(f"{base()}/dang-nhap", status_code=303)
    write_cookie(request, response, start_session(None))
    return response


# board -----------------------------------------------------------------------------------------

def _roots(found: Visitor, tree: dict) -> list[str]:
    """The units whose board this visitor may open: own units, or (one PC) the tree's tops."""
    if not found.open_mode:
        return sorted(found.grant.units)
    parents = {info.parent for info in tree.values() if info.parent}
    return sorted(code for code in parents if not tree[code].parent)


def _board(request: Request, found: Visitor, root: str | None, query: Query):
    archive = _archive()
    tree = reads.unit_tree(archive)
    roots = _roots(found, tree)
    root = root or (roots[0] if roots else None)
    if root is None:
        return None, roots, _deny(request, found, "web_no_units", status=200)
    if root not in tree:
        return None, roots, _deny(request, found, "web_unknown_unit", status=404, unit=root)
    if not (found.open_mode or (found.grant.consolidates and access.may_read(found, root, reads.children_in(tree)))):
        return None, roots, _deny(request, found, "addin_forbidden_read", unit=root)
    return build_board(archive, _calendar(), root, query, tree), [tree[c] for c in roots], None


def _query(ky=None, loai=None, trang_thai=None, tim=None, xep=None, trang=None) -> Query:
    return Query.of(ky, loai, trang_thai, tim, xep, trang)


@router.get("", response_class=HTMLResponse)
def board_page(request: Request, don_vi: str | None = None, ky: str | None = None, loai: str | None = None,
               trang_thai: str | None = None, tim: str | None = None, xep: str | None = None,
               trang: Number = None, da_chap_nhan: Number = None, found: Visitor = Depends(signed_in)):
    if not found.open_mode and not found.grant.consolidates and len(found.grant.units) == 1:
        return RedirectResponse(f"{base()}/don-vi/{quote(next(iter(found.grant.units)))}", status_code=303)
    query = _query(ky, loai, trang_thai, tim, xep, trang)
    board, roots, refused = _board(request, found, don_vi, query)
    if refused:
        return refused
    lang = wording.language(request)
    names = (_text(lang, "web_chart_reported"), _text(lang, "web_chart_on_time"))
    chart = charts.rate_chart(board.rates, _text(lang, "web_chart_rate"), names) if len(board.rates) > 1 else None
    reviewed = access.units_reviewed_by(found, reads.children_in(board.tree))
    clean = [c for c in board.clean_pending() if reviewed is None or c.current.unit in reviewed]
    return _page(request, found, "board.html", board=board, roots=roots, kinds=_calendar().kinds, query=query,
                 states=STATES, chart=chart, calendar=_calendar(), clean=clean, accepted_now=da_chap_nhan,
                 link=lambda **changed: _board_link(board, query, **changed))


def _board_link(board, query: Query, path: str = "", **changed) -> str:
    """The board's URL with the reader's choices, some of them changed (page back to 1 unless given)."""
    params = {"don_vi": board.root.code, "ky": query.period or "", "loai": query.kind or "",
              "trang_thai": STATES.get(query.state or "", ""), "tim": query.search,
              "xep": "" if query.sort == "ma" else query.sort, **changed}
    kept = {k: v for k, v in params.items() if v not in ("", None) and not (k == "trang" and v == 1)}
    return f"{base()}{path}?{urlencode(kept)}" if kept else f"{base()}{path}"


@router.get("/xuat.xlsx")
def board_export(request: Request, don_vi: str | None = None, ky: str | None = None, loai: str | None = None,
                 trang_thai: str | None = None, tim: str | None = None, xep: str | None = None,
                 found: Visitor = Depends(signed_in)):
    board, _, refused = _board(request, found, don_vi, _query(ky, loai, trang_thai, tim, xep))
    if refused:
        return refused
    data = board_xlsx(board, definitions.catalogue(wording.language(request)), _calendar())
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="tinh-hinh-nop.xlsx"'})


@router.get("/nhac-nop", response_class=HTMLResponse)
def reminder_list(request: Request, don_vi: str | None = None, ky: str | None = None, loai: str | None = None,
                  found: Visitor = Depends(signed_in)):
    """Danh sách đơn vị chưa nộp / trễ hạn of one period, printable for the reminder letter."""
    board, _, refused = _board(request, found, don_vi, _query(ky, loai))
    if refused:
        return refused
    focus = board.focus
    late = [r for r in board.matched if focus and r.states(focus) & {"missing", "late"}]
    every = build_board(_archive(), _calendar(), board.root.code, _query(loai=loai), board.tree)
    contacts = {row.unit.code: row.contact for row in every.matched}  # who submitted last, any period
    return _page(request, found, "reminder.html", board=board, late=late, calendar=_calendar(),
                 today=datetime.now(_calendar().zone), contacts=contacts)


@router.post("/chap-nhan")
def bulk_accept(request: Request, csrf: str = Form(""), don_vi: str = Form(""), ky: str = Form(""),
                loai: str = Form(""), tim: str = Form(""), found: Visitor = Depends(signed_in)):
    """Accept, in one go, the chosen period's revisions waiting for review that have no error."""
    check_csrf(found, csrf)
    query = _query(ky, loai, "cho-danh-gia", tim)
    board, _, refused = _board(request, found, don_vi, query)
    if refused:
        return refused
    reviewed = access.units_reviewed_by(found, reads.unit_children(_archive()))
    cells = [c for c in board.clean_pending() if reviewed is None or c.current.unit in reviewed]
    reviews.accept_all(_archive(), [c.current.id for c in cells], found.name)
    target = _board_link(board, query, trang_thai="", da_chap_nhan=len(cells))
    return RedirectResponse(target, status_code=303)


@router.get("/ngon-ngu")
def choose_language(request: Request, chon: str = "vi", ve: str = ""):
    """The language switch: Vietnamese or English, kept in a cookie; back to the page it came from."""
    back = ve if ve.startswith(base()) and not ve.startswith("//") else base()
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(wording.LANG_COOKIE, chon if chon in wording.LANGUAGES else "vi", max_age=365 * 86400,
                        path=base(), samesite="lax", httponly=True)
    return response


# upload ----------------------------------------------------------------------------------------

@router.get("/kiem-tra", response_class=HTMLResponse)
def upload_form(request: Request, found: Visitor = Depends(signed_in)):
    return _page(request, found, "upload.html", results=None, units=_own_units(found), suffixes=SUFFIXES,
                 behalf=_units_below(found), asked=None)


def _own_units(found: Visitor) -> list[tuple[str, str]]:
    """(code, name) of the units the visitor may submit for, by code."""
    tree = reads.unit_tree(_archive())
    codes = sorted(tree) if found.open_mode else sorted(found.grant.units)
    return [(code, tree[code].name if code in tree else "") for code in codes]


def _units_below(found: Visitor) -> list[tuple[str, str]]:
    """(code, name) of the units a consolidating office's clerk may archive for on their behalf."""
    if found.open_mode or not found.grant.consolidates:
        return []
    tree = reads.unit_tree(_archive())
    codes = {code for own in found.grant.units if own in tree for code in reads.below(tree, own)}
    return [(code, tree[code].name) for code in sorted(codes - found.grant.units)]


def _submitter(found: Visitor, unit: str) -> str | None:
    """Who a revision for `unit` is archived by: the clerk for their own unit; for a unit below
    a consolidating office, the clerk "nộp thay" the unit (kept in Vietnamese, like every
    stored word); None when the clerk may do neither."""
    if not unit:
        return None
    if access.may_write(found, unit):
        return access.who(found)  # "name (token id)", as the add-in records it
    if access.may_submit_for(found, unit, reads.unit_children(_archive())):
        return definitions.catalogue("vi").text("archived_on_behalf", by=access.who(found), unit=unit)
    return None


@router.post("/kiem-tra", response_class=HTMLResponse)
async def upload(request: Request, found: Visitor = Depends(signed_in)):
    limit = runtime.current().settings.limits.max_body_bytes
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > limit:
        return _deny(request, found, "web_too_large", status=413, limit=limit // (1024 * 1024))
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=limit)
    except (MultiPartException, StarletteHTTPException):  # too many files or fields, a malformed body (Starlette: English)
        return _deny(request, found, "web_upload_malformed", status=400, files=MAX_FILES)
    check_csrf(found, form.get("csrf"))
    archiving = None
    try:
        if form.get("luu"):
            unit, text = str(form.get("don_vi") or "").strip(), str(form.get("ky") or "").strip()
            by = await run_in_threadpool(_submitter, found, unit)
            if by is None:
                return _deny(request, found, "addin_forbidden_write", unit=unit)
            archiving = Archiving(unit, parse_period(text), by, str(form.get("ly_do") or "").strip() or None,
                                  confirm=bool(form.get("xac_nhan")))
        files = [(item.filename or "", await item.read()) for item in form.getlist("tep") if hasattr(item, "read")]
        if isinstance(carried := form.get("noi_dung"), str) and carried:  # a file the choice's form carried back
            files.append(carried_file(str(form.get("ten") or ""), carried, runtime.current().settings.limits))
        sheet = form.get("trang") if isinstance(form.get("trang"), str) and form.get("trang") else None
        results = await run_in_threadpool(_check_files, files, archiving, wording.language(request), sheet)
    except ArchiveError as exc:
        return _refuse(request, found, exc)
    except UserError as exc:  # a period or a carried file refused: the form again, as the clerk filled it
        words = definitions.catalogue(wording.language(request))
        said = words.text("web_upload_again", reason=exc.render(words))
        return _page(request, found, "upload.html", status=400, results=None, problem=said, typed=_typed(form),
                     units=await run_in_threadpool(_own_units, found), suffixes=SUFFIXES,
                     behalf=await run_in_threadpool(_units_below, found), asked=None)
    return _page(request, found, "upload.html", results=results, units=await run_in_threadpool(_own_units, found),
                 suffixes=SUFFIXES, behalf=await run_in_threadpool(_units_below, found), asked=archiving,
                 typed=_typed(form))


def _typed(form) -> dict[str, str]:
    """What the clerk typed or chose in the upload form (unit, period, reason, archive ticked), to
    fill it again; a browser never lets a page choose files for them."""
    return {name: str(form.get(name) or "").strip() for name in ("don_vi", "ky", "ly_do", "luu")}


def _check_files(files: list[tuple[str, bytes]], archiving: Archiving | None, lang: str, sheet: str | None) -> list:
    """Each file's answer, off the event loop; only the form of sheet `sheet` when chosen."""
    return [check_upload(name, data, _archive(), archiving, lang, sheet=sheet) for name, data in files]


# unit page and reviews -------------------------------------------------------------------------

@router.get("/don-vi/{unit}", response_class=HTMLResponse)
def unit_page(request: Request, unit: str, ky: str | None = None, tu: Number = None, den: Number = None,
              so_sanh: str | None = None, found: Visitor = Depends(signed_in)):
    return _unit_view(request, found, unit, ky, tu, den, compared=so_sanh)


def _unit_view(request: Request, found: Visitor, unit: str, ky: str | None = None, tu: int | None = None,
               den: int | None = None, kept: dict | None = None, compared: str | None = None) -> HTMLResponse:
    """The unit's page; `kept` is a review form sent back (period, decision, reason, why) to fill
    again; `compared` the key of the period compared with the previous report and last year's
    (the latest when not given, or not one the unit reported)."""
    archive = _archive()
    tree = reads.unit_tree(archive)
    children_of = reads.children_in(tree)
    if not access.may_read(found, unit, children_of):
        return _deny(request, found, "addin_forbidden_read", unit=unit)
    if unit not in tree:
        return _deny(request, found, "web_unknown_unit", status=404, unit=unit)
    changes = None
    if ky and tu and den:
        try:
            period = parse_period(ky)
        except UserError as exc:
            return _refuse(request, found, exc)
        old, new = archive.get(unit, period, tu, with_meta=False), archive.get(unit, period, den, with_meta=False)
        changes = difference(old, new) if old and new else []
    info, calendar = tree[unit], _calendar()
    siblings = same_kind_siblings(tree, unit, calendar)  # peers of the same kind only
    readable = access.units_read_by(found, children_of)  # the tree walked once, not once a sibling
    view = peer_view(siblings, lambda peer: readable is None or peer in readable)  # figures only for readers
    values = reads.current_values(archive, [unit, *view.peers])  # one query, however many peers
    items = series(values.get(unit, {}), [values.get(p, {}) for p in view.peers], view.spread, ratio_codes(),
                   row_specs())
    lang = wording.language(request)
    names = tuple(_text(lang, k) for k in ("web_series_own", "web_series_median", "web_series_low", "web_series_high"))
    labels = row_names()  # charts titled by name; none for a coded (0/1/2) status
    items = [item for item in items if labels.get(item.code, ("", None))[1] is not Kind.CODED]
    pictures = [(item, charts.indicator_chart(item, names, _title(item.code, labels))
                 if len(item.periods) > 1 else None, _title(item.code, labels)) for item in items]
    found_blocks = blocks(archive, unit, calendar)
    latest = found_blocks[0] if found_blocks else None
    form = submitted_form(archive.get(unit, latest.period, with_meta=False),
                          latest.revisions[-1][0].summary.get("findings") or []) if latest else []
    due = consolidation.periods_below(archive, tree, info.parent) if info.parent else []
    chosen = next((b.period for b in found_blocks if b.period.key == compared), latest.period if latest else None)
    comparison = period_comparison(archive, unit, chosen) if chosen else None
    return _page(request, found, "unit.html", status=400 if kept else 200, info=info,
                 parent=tree.get(info.parent) if info.parent else None, form=form, latest=latest,
                 missed=missed_periods(due, found_blocks, calendar),
                 blocks=found_blocks, changes=changes, diff=(ky, tu, den), pictures=pictures, comparison=comparison,
                 peers=len(view.peers), peer_key=view.key, may_review=access.may_review(found, unit, children_of), sent_back=kept or {})


def _title(code: str, labels: dict) -> str:
    label = labels.get(code, ("", None))[0]
    text = f"{code} {label}".strip()
    return text if len(text) <= 90 else text[:89] + "…"


@router.post("/don-vi/{unit}/danh-gia")
def review(request: Request, unit: str, csrf: str = Form(""), ky: str = Form(""),
           lan: int = Form(0, ge=-MAX_NUMBER, le=MAX_NUMBER),
           quyet_dinh: str = Form(""), ly_do: str = Form(""), found: Visitor = Depends(signed_in)):
    check_csrf(found, csrf)
    archive = _archive()
    if not access.may_review(found, unit, reads.unit_children(archive)):
        return _deny(request, found, "web_forbidden_review", unit=unit)
    try:
        period = parse_period(ky)
    except UserError as exc:
        return _refuse(request, found, exc)
    why = ("web_review_choose" if quyet_dinh not in reviews.DECISIONS else
           None if reviews.valid(quyet_dinh, ly_do) else "web_review_reason")
    if why:  # the form comes back filled, with the reason it was not recorded
        kept = {"period": period.key, "decision": quyet_dinh, "reason": ly_do, "why": why}
        return _unit_view(request, found, unit, kept=kept)
    if not reviews.review(archive, unit, period, lan, quyet_dinh, ly_do, found.name):
        raise HTTPException(status_code=404)
    return RedirectResponse(f"{base()}/don-vi/{quote(unit)}#ky-{period.key}", status_code=303)


# consolidation ---------------------------------------------------------------------------------

def _consolidation(request: Request, found: Visitor, unit: str | None, period: str | None,
                   leave_out: consolidation.LeaveOut = consolidation.LeaveOut()):
    """(result, context, refusal): the consolidated form of a unit the visitor consolidates for,
    leaving out of the totals the reports with errors or returned ones when asked."""
    from ..workbook import ReadError

    archive = _archive()
    tree = reads.unit_tree(archive)
    own = None if found.open_mode else found.grant.units
    allowed = consolidation.consolidating_units(tree, own, found.open_mode or found.grant.consolidates)
    unit = unit or (allowed[0] if allowed else None)
    if unit is None:
        return None, {}, _deny(request, found, "web_no_consolidating")
    if unit not in allowed:
        return None, {}, _deny(request, found, "web_forbidden_consolidation", unit=unit)
    periods = consolidation.periods_below(archive, tree, unit)
    context = {"allowed": allowed, "unit": unit, "info": tree[unit], "periods": periods, "tree": tree,
               "names": {code: tree[code].name for code in allowed}, "limit": PAGE_SIZE, "leave_out": leave_out}
    if not periods:
        return None, context, _page(request, found, "consolidation.html", result=None, chosen=None, **context)
    try:
        chosen = parse_period(period) if period else periods[0]
    except UserError as exc:
        return None, context, _refuse(request, found, exc)
    try:
        result = consolidate_unit(archive, unit, chosen, skip_errors=leave_out.errors,
                                  skip_returned=leave_out.returned, calendar=_calendar())
    except ReadError as exc:
        return None, context, _deny(request, found, exc.key, status=404, **exc.params)
    except ArchiveError as exc:
        return None, context, _deny(request, found, exc.key, status=503, **exc.params)
    return result, {**context, "chosen": chosen}, None


@router.get("/tong-hop", response_class=HTMLResponse)
def consolidation_page(request: Request, don_vi: str | None = None, ky: str | None = None,
                       chi_tieu: str | None = None, trang: Annotated[int, InQuery(ge=-MAX_NUMBER, le=MAX_NUMBER)] = 1,
                       bo_loi: bool = False, bo_tra_lai: bool = False,
                       found: Visitor = Depends(signed_in)):
    leave_out = consolidation.LeaveOut(bo_loi, bo_tra_lai)
    result, context, refused = _consolidation(request, found, don_vi, ky, leave_out)
    if refused:
        return refused
    vi, en = definitions.catalogue("vi"), definitions.catalogue("en")
    lang = wording.language(request)
    readable = _readable(found, context["tree"])
    spreads = [(code, charts.distribution_chart(values, marked, _text(lang, "web_chart_distribution", code=code,
                                                                            n=len(values)),
                                                _spread_names(lang, len(values) - len(marked))))
               for code, values, marked in consolidation.distributions(result, chi_tieu, readable)]
    findings = [] if result.report is None else [(f, vi.message(f), en.message(f)) for f in result.report.findings]
    return _page(request, found, "consolidation.html", result=result, totals=consolidation.total_rows(result, vi, en),
                 code=chi_tieu, shares=consolidation.shares(result, chi_tieu, vi, en) if chi_tieu else None,
                 spreads=spreads, findings=findings, share_page=max(1, trang),
                 outliers=consolidation.outlier_rows(result, vi, en), **context)


def _readable(found: Visitor, tree: dict) -> Callable[[str], bool]:
    """Whether the visitor may read a unit (access.may_read), the tree walked once for them all."""
    if found.open_mode:
        return lambda unit: True
    below = {code for own in found.grant.units if own in tree for code in reads.below(tree, own)} \
        if found.grant.consolidates else set()
    return (set(found.grant.units) | below).__contains__


def _spread_names(lang: str, others: int) -> tuple[str, str, str]:
    """A distribution chart's legend: the other units (as quantiles when too many to draw), the
    outliers, the median."""
    units = _text(lang, "web_chart_units_quantiles", shown=charts.MAX_DOTS, count=others) \
        if others > charts.MAX_DOTS else _text(lang, "web_chart_units")
    return units, _text(lang, "web_chart_outliers"), _text(lang, "web_chart_median")


@router.get("/tong-hop.xlsx")
def consolidation_download(request: Request, don_vi: str | None = None, ky: str | None = None,
                           bo_loi: bool = False, bo_tra_lai: bool = False, found: Visitor = Depends(signed_in)):
    result, context, refused = _consolidation(request, found, don_vi, ky, consolidation.LeaveOut(bo_loi, bo_tra_lai))
    if refused:
        return refused
    if result is None:
        return _deny(request, found, "web_no_periods", status=404, unit=context["unit"])
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"tong-hop-{result.consolidation.unit}-{result.period.key}.xlsx")
    office = context["info"].name
    return Response(consolidation.filled_xlsx(result, definitions.catalogue("vi"), office), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
