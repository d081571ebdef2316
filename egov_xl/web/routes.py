"""The receiving office's web console under /bao-cao: login, the completeness board and its
.xlsx export, upload and check, a unit's page with its revisions and charts, reviews."""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException

from .. import definitions
from ..archive import overview
from ..archive.calendar import load_calendar
from ..archive.db import ArchiveError
from ..core.errors import UserError
from ..core.periods import parse_period
from ..excel import access
from ..excel.access import grant_for, token_digest
from ..server import runtime
from ..flows import review as reviews
from ..flows.consolidate import consolidate_unit
from . import charts, consolidation
from .board import build_board
from .export import board_xlsx
from .session import (PATH, Visitor, check_csrf, csrf_token, end, signed_in, start_session, visitor,
                      write_cookie)
from .unit import blocks, difference, peer_view, series
from .upload import XLSX, Archiving, check_upload

router = APIRouter(prefix=PATH, include_in_schema=False)
TEMPLATES = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True,
    undefined=jinja2.StrictUndefined))
MAX_FILES = MAX_FIELDS = 20  # one upload
STATIC = "/static/vendor/bootstrap-xlwings/5.3.3-2/dist/bootstrap-xlwings.min.css"


def _text(lang: str, key: str, **params) -> str:
    return definitions.catalogue(lang).text(key, **params)


def _both(key: str, **params) -> str:
    return f"{_text('vi', key, **params)} / {_text('en', key, **params)}"


def _kept(lang: str, entry: dict) -> str:
    """A finding kept in an archived revision's summary, as a sentence in `lang`."""
    catalogue = definitions.catalogue(lang)
    return catalogue.stored_message(entry)


def _severity(entry: dict) -> str:
    word = str(entry.get("severity", ""))
    return " / ".join(definitions.catalogue(lang).severities.get(word, word) for lang in ("vi", "en"))


def _shown(value) -> str:
    """A number the way a Vietnamese reader writes it (1.400 ; 89,5)."""
    from decimal import Decimal

    from ..core.tolerance import display

    return display(Decimal(str(value)))


TEMPLATES.env.globals.update(tv=lambda key, **p: _text("vi", key, **p), te=lambda key, **p: _text("en", key, **p),
                             t=_both, css=STATIC, base=PATH, quote=quote, kept=_kept, severity=_severity,
                             shown=_shown)


def _page(request: Request, found: Visitor, name: str, status: int = 200, **context) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(request, name, {"me": found, "csrf": csrf_token(found), **context},
                                          status_code=status)
    if found.fresh:
        write_cookie(request, response, found)
    return response


def _deny(request: Request, found: Visitor, key: str, status: int = 403, **params) -> HTMLResponse:
    return _page(request, found, "message.html", status=status, message=_both(key, **params))


def _refuse(request: Request, found: Visitor, error: UserError) -> HTMLResponse:
    """A UserError as the page's one sentence (Vietnamese / English): the one place the pages
    render them. The archive unreachable is 503; bad input (a period, a file) is 400."""
    status = 503 if isinstance(error, ArchiveError) else 400
    text = f"{error.render(definitions.catalogue('vi'))} / {error.render(definitions.catalogue('en'))}"
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
    response = RedirectResponse(PATH, status_code=303)
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
    response = RedirectResponse(f"{PATH}/dang-nhap", status_code=303)
    write_cookie(request, response, start_session(None))
    return response


# board -----------------------------------------------------------------------------------------

def _roots(found: Visitor, tree: dict) -> list[str]:
    """The units whose board this visitor may open: own units, or (one PC) the tree's tops."""
    if not found.open_mode:
        return sorted(found.grant.units)
    parents = {info.parent for info in tree.values() if info.parent}
    return sorted(code for code in parents if not tree[code].parent)


def _board(request: Request, found: Visitor, root: str | None, period: str | None, kind: str | None):
    archive = _archive()
    tree = overview.units(archive)
    roots = _roots(found, tree)
    root = root or (roots[0] if roots else None)
    if root is None:
        return None, roots, _deny(request, found, "web_no_units", status=200)
    if not (found.open_mode or (found.grant.consolidates and access.may_read(found, root, overview.children_in(tree)))):
        return None, roots, _deny(request, found, "addin_forbidden_read", unit=root)
    return build_board(archive, _calendar(), root, period, kind or None), roots, None


@router.get("", response_class=HTMLResponse)
def board_page(request: Request, don_vi: str | None = None, ky: str | None = None, loai: str | None = None,
               found: Visitor = Depends(signed_in)):
    if not found.open_mode and not found.grant.consolidates and len(found.grant.units) == 1:
        return RedirectResponse(f"{PATH}/don-vi/{quote(next(iter(found.grant.units)))}", status_code=303)
    board, roots, refused = _board(request, found, don_vi, ky, loai)
    if refused:
        return refused
    names = (_both("web_chart_reported"), _both("web_chart_on_time"))
    chart = charts.rate_chart(board.rates, _both("web_chart_rate"), names) if board.rates else None
    return _page(request, found, "board.html", board=board, roots=roots, kinds=_calendar().kinds,
                 chosen_period=ky or "", chosen_kind=loai or "", chart=chart, calendar=_calendar())


@router.get("/xuat.xlsx")
def board_export(request: Request, don_vi: str | None = None, ky: str | None = None, loai: str | None = None,
                 found: Visitor = Depends(signed_in)):
    board, _, refused = _board(request, found, don_vi, ky, loai)
    if refused:
        return refused
    heads = [_both(k) for k in ("web_col_unit", "web_col_name", "web_col_period", "web_col_status",
                                "web_col_revisions", "web_col_errors", "web_col_warnings", "web_col_accepted",
                                "web_col_first", "web_col_by", "web_col_review", "web_col_reason")]
    words = {k: _both(f"web_{k}") for k in ("missing", "on_time", "late", "accepted", "returned")}
    return Response(board_xlsx(board, heads, words), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="tinh-hinh-nop.xlsx"'})


# upload ----------------------------------------------------------------------------------------

@router.get("/kiem-tra", response_class=HTMLResponse)
def upload_form(request: Request, found: Visitor = Depends(signed_in)):
    return _page(request, found, "upload.html", results=None, units=_own_units(found))


def _own_units(found: Visitor) -> list[str]:
    if found.open_mode:
        return sorted(overview.units(_archive()))
    return sorted(found.grant.units)


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
            if not access.may_write(found, unit) or not unit:
                return _deny(request, found, "addin_forbidden_write", unit=unit)
            archiving = Archiving(unit, parse_period(text), found.name, str(form.get("ly_do") or "").strip() or None,
                                  confirm=bool(form.get("xac_nhan")))
        files = [(item.filename or "", await item.read()) for item in form.getlist("tep") if hasattr(item, "read")]
        results = await run_in_threadpool(_check_files, files, archiving)  # off the event loop
    except UserError as exc:
        return _refuse(request, found, exc)
    return _page(request, found, "upload.html", results=results, units=await run_in_threadpool(_own_units, found))


def _check_files(files: list[tuple[str, bytes]], archiving: Archiving | None) -> list:
    return [check_upload(name, data, _archive(), archiving) for name, data in files]


# unit page and reviews -------------------------------------------------------------------------

@router.get("/don-vi/{unit}", response_class=HTMLResponse)
def unit_page(request: Request, unit: str, ky: str | None = None, tu: int | None = None, den: int | None = None,
              found: Visitor = Depends(signed_in)):
    archive = _archive()
    tree = overview.units(archive)
    children_of = overview.children_in(tree)
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
    info = tree[unit]
    siblings = [c for c, i in tree.items() if i.parent and i.parent == info.parent and c != unit]
    view = peer_view(siblings, lambda peer: access.may_read(found, peer, children_of))
    values = overview.current_values(archive, [unit, *view.peers])  # one query, however many peers
    items = series(values.get(unit, {}), [values.get(p, {}) for p in view.peers], view.spread)
    names = tuple(_both(k) for k in ("web_series_own", "web_series_median", "web_series_low", "web_series_high"))
    pictures = [(item, charts.indicator_chart(item, names) if len(item.periods) > 1 else None) for item in items]
    return _page(request, found, "unit.html", info=info, blocks=blocks(archive, unit, _calendar()),
                 changes=changes, diff=(ky, tu, den), pictures=pictures, peers=len(view.peers), peer_key=view.key,
                 may_review=access.may_review(found, unit, children_of))


@router.post("/don-vi/{unit}/danh-gia")
def review(request: Request, unit: str, csrf: str = Form(""), ky: str = Form(""), lan: int = Form(0),
           quyet_dinh: str = Form(""), ly_do: str = Form(""), found: Visitor = Depends(signed_in)):
    check_csrf(found, csrf)
    archive = _archive()
    if not access.may_review(found, unit, overview.children_in(overview.units(archive))):
        return _deny(request, found, "web_forbidden_review", unit=unit)
    if not reviews.valid(quyet_dinh, ly_do):
        return _deny(request, found, "web_review_reason", status=400)
    try:
        period = parse_period(ky)
    except UserError as exc:
        return _refuse(request, found, exc)
    if not reviews.review(archive, unit, period, lan, quyet_dinh, ly_do, found.name):
        raise HTTPException(status_code=404)
    return RedirectResponse(f"{PATH}/don-vi/{quote(unit)}#ky-{period.key}", status_code=303)


# consolidation ---------------------------------------------------------------------------------

def _consolidation(request: Request, found: Visitor, unit: str | None, period: str | None):
    """(result, context, refusal): the consolidated form of a unit the visitor consolidates for."""
    from ..workbook import ReadError

    archive = _archive()
    tree = overview.units(archive)
    own = None if found.open_mode else found.grant.units
    allowed = consolidation.consolidating_units(tree, own, found.open_mode or found.grant.consolidates)
    unit = unit or (allowed[0] if allowed else None)
    if unit is None:
        return None, {}, _deny(request, found, "web_no_consolidating")
    if unit not in allowed:
        return None, {}, _deny(request, found, "web_forbidden_consolidation", unit=unit)
    periods = consolidation.periods_below(archive, tree, unit)
    context = {"allowed": allowed, "unit": unit, "info": tree[unit], "periods": periods}
    if not periods:
        return None, context, _page(request, found, "consolidation.html", result=None, chosen=None, **context)
    try:
        chosen = parse_period(period) if period else periods[0]
    except UserError as exc:
        return None, context, _refuse(request, found, exc)
    try:
        result = consolidate_unit(archive, unit, chosen)
    except ReadError as exc:
        return None, context, _deny(request, found, exc.key, status=404, **exc.params)
    except ArchiveError as exc:
        return None, context, _deny(request, found, exc.key, status=503, **exc.params)
    return result, {**context, "chosen": chosen}, None


@router.get("/tong-hop", response_class=HTMLResponse)
def consolidation_page(request: Request, don_vi: str | None = None, ky: str | None = None,
                       chi_tieu: str | None = None, found: Visitor = Depends(signed_in)):
    result, context, refused = _consolidation(request, found, don_vi, ky)
    if refused:
        return refused
    vi, en = definitions.catalogue("vi"), definitions.catalogue("en")
    names = tuple(_both(k) for k in ("web_chart_units", "web_chart_outliers", "web_chart_median"))
    spreads = [(code, charts.distribution_chart(values, marked, _both("web_chart_distribution", code=code,
                                                                        n=len(values)), names))
               for code, values, marked in consolidation.distributions(result, chi_tieu)]
    findings = [] if result.report is None else [(f, vi.message(f), en.message(f)) for f in result.report.findings]
    return _page(request, found, "consolidation.html", result=result, totals=consolidation.total_rows(result, vi, en),
                 code=chi_tieu, shares=consolidation.shares(result, chi_tieu, vi, en) if chi_tieu else None,
                 spreads=spreads, findings=findings, **context)


@router.get("/tong-hop.xlsx")
def consolidation_download(request: Request, don_vi: str | None = None, ky: str | None = None,
                           found: Visitor = Depends(signed_in)):
    result, context, refused = _consolidation(request, found, don_vi, ky)
    if refused:
        return refused
    if result is None:
        return _deny(request, found, "web_no_periods", status=404, unit=context["unit"])
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"tong-hop-{result.consolidation.unit}-{result.period.key}.xlsx")
    return Response(consolidation.filled_xlsx(result, definitions.catalogue("vi")), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
