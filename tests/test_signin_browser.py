"""Sign-in from Excel, in headless Chromium through the served task pane (the real taskpane.html,
auth.js, ribbon.js, main.js and xlwings' client, with the project's office.js stand-in holding
the Biểu mẫu 7 workbook), against a live `egov-xl serve` with tokens. No header is set from
Python: the clerk types the token into the pane, and every call carries it from there.

One scenario, in order (the failure limit is 4 wrong tokens for this server): a button before
signing in, a wrong token, the right one (who and which units), Kiểm tra, Lưu kỳ báo cáo,
=EGOV.PRIOR, a reload (still signed in, the token kept by the add-in, not in the workbook),
Đăng xuất, the server failing (503), a revoked token, a ribbon command without a token (the
dialog, title included, in Vietnamese) and the lockout (429)."""

from __future__ import annotations


import pytest

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.server.tokens import issue, revoke
from tests.excel_bridge import payload_from_xlsx
from tests.fixtures.web import chromium  # noqa: F401  (the fixture)
from tests.live_server import live_server
from tests.fixtures.pane import pane_project
from tests.test_web_a11y import axe  # noqa: F401  (the fixture)

FAILED = "#egov-status[data-state=failed]"


@pytest.fixture
def pane(request, samples, tmp_path, chromium):  # noqa: F811
    payload, _ = payload_from_xlsx(samples["bieu-mau-7-dung.xlsx"])
    book = {"name": "BaoCao.xlsx", "scenario": False,
            "sheets": [{"name": s["name"], "values": s["values"]} for s in payload["sheets"]]}
    project = pane_project(tmp_path, book)
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    store = Archive(url)
    store.init()
    store.set_unit("TINH", "UBND tỉnh Mẫu")
    store.set_unit("SO-A", "Sở Nội vụ", "TINH")
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", parse_period("Q1/2025"), "seed")
    tokens = tmp_path / "private" / "tokens.yaml"
    token, entry = issue(tokens, "Cán bộ Sở A", ["SO-A"])
    env = {"EGOV_TOKENS_FILE": str(tokens), "XLWINGS_AUTH_PROVIDERS": '["custom"]', "EGOV_AUTH_MAX_FAILURES": "4", "EGOV_AUTH_MAX_FAILURES_PER_ADDRESS": "4",
           "XLWINGS_PROJECT_DIR": str(project), **getattr(request, "param", {})}
    with live_server("--project", str(project), "--url", url, env=env) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(base + "/taskpane.html")
        page.wait_for_selector("#egov-signin[data-state]")
        yield page, store, tokens, token, entry
        context.close()


def _click_and_wait(page, button: str) -> str:
    page.evaluate("document.getElementById('egov-status').textContent = ''")
    page.click(button)
    page.wait_for_function("['Xong.', ''].indexOf(document.getElementById('egov-status').textContent) < 0"
                           " && document.getElementById('egov-status').textContent !== 'Đang xử lý…'", timeout=30000)
    return page.text_content("#egov-status")


def _sign_in(page, token: str) -> None:
    page.fill("#egov-token", token)
    page.click("#egov-signin-button")
    page.wait_for_function("document.getElementById('egov-signin-status').textContent !== 'Đang kiểm tra mã truy cập…'"
                           " && (document.getElementById('egov-signin').dataset.state === 'signed-in'"
                           " || document.getElementById('egov-signin-status').textContent)", timeout=30000)


def _stored(page) -> str | None:
    return page.evaluate("localStorage.getItem('egov-xl.token')")


def test_a_clerk_signs_in_checks_saves_and_is_refused_in_vietnamese(pane):
    page, store, tokens, token, entry = pane
    assert page.get_attribute("#egov-signin", "data-state") == "signed-out"
    assert page.is_visible("#egov-token") and "Mã truy cập" in page.text_content("label[for=egov-token]")

    said = _click_and_wait(page, "#egov-validate")  # before signing in: refused in the pane, no call made
    assert said.startswith("Chưa đăng nhập") and page.is_visible(FAILED)

    _sign_in(page, "ma-sai-hoan-toan")  # a wrong token (wrong token 1 of 4)
    assert "mã 401" in page.text_content("#egov-signin-status") and _stored(page) is None
    assert page.get_attribute("#egov-signin", "data-state") == "signed-out"

    _sign_in(page, token)
    who = page.text_content("#egov-who")
    assert who == (f"Đã đăng nhập: Cán bộ Sở A – mã số {entry.id}. Đơn vị báo cáo: SO-A (Sở Nội vụ).")
    assert _stored(page) == token and page.input_value("#egov-unit") == "SO-A"
    properties = page.evaluate("JSON.stringify(egovStandin.workbook.properties.custom.map)")
    assert token not in properties  # kept by the add-in, never in the workbook

    page.fill("#egov-period", "6T/2025")
    said = _click_and_wait(page, "#egov-set")
    assert said.startswith("Sổ này: đơn vị SO-A, "), said
    said = _click_and_wait(page, "#egov-validate")  # the check's own sentence, not a bare "Xong."
    assert said == "Không phát hiện vấn đề." and page.get_attribute("#egov-status", "data-state") == ""
    assert page.evaluate("egovStandin.sheets.some((s) => s.name === 'Kiểm tra')")
    page.fill("#egov-unit", "SO-B")  # not the clerk's unit: the save is refused, and says so
    said = _click_and_wait(page, "#egov-archive")
    assert said == "Tài khoản của bạn không được lưu báo cáo cho đơn vị SO-B. Chưa có gì được lưu."
    assert page.is_visible(FAILED) and store.get("SO-B", parse_period("6T/2025")) is None
    page.fill("#egov-unit", "SO-A")
    said = _click_and_wait(page, "#egov-archive")
    assert said.endswith("lần nộp thứ 1.") and page.get_attribute("#egov-status", "data-state") == ""
    stored = store.get("SO-A", parse_period("6T/2025"))
    assert stored.revision == 1 and stored.meta.archived_by == f"Cán bộ Sở A ({entry.id})"

    prior = page.evaluate("""async () => await egovStandin.functions.PRIOR(
        [["4.1.1"]], [["6T/2025"]], [["SO-A"]], [["ky-truoc"]], {address: "'Biểu mẫu 7'!F12"})""")
    assert prior == [[180]]  # Kỳ trước of SO-A's 4.1.1, through the clerk's token
    batched = page.evaluate("""async () => {
        const calls = ["1,5", "2.000", "3"].map((text, i) =>
            egovStandin.functions.NUM([[text]], {address: `'Biểu mẫu 7'!H${i + 1}`}));
        return await Promise.all(calls);
    }""")  # the pure functions go as one batch to /egov/functions-batch, with the same token
    assert batched == [[[1.5]], [[2000]], [[3]]] and page.evaluate("globalThis.xwRequest.egovBatched") is True

    page.reload()  # the task pane opened again: signed in without typing
    page.wait_for_selector("#egov-signin[data-state=signed-in]")
    assert "Cán bộ Sở A" in page.text_content("#egov-who")
    page.click("#egov-signout")
    page.wait_for_selector("#egov-signin[data-state=signed-out]")
    assert _stored(page) is None and "Đã đăng xuất" in page.text_content("#egov-signin-status")
    _sign_in(page, token)
    assert page.get_attribute("#egov-signin", "data-state") == "signed-in"

    kept = tokens.read_bytes()
    tokens.write_text("tokens: [không phải bảng]\n", encoding="utf-8")  # the server cannot read its tokens: 503
    said = _click_and_wait(page, "#egov-validate")
    assert said.startswith("Máy chủ egov-xl đang gặp lỗi (mã 503)") and page.is_visible(FAILED)
    assert page.eval_on_selector_all("#egov-findings li", "items => items.length") == 0
    tokens.write_bytes(kept)

    revoke(tokens, entry.id)  # the admin revokes the token (wrong token 2 of 4)
    said = _click_and_wait(page, "#egov-validate")
    assert said.startswith("Chưa đăng nhập được (mã 401)") and "Xong." not in said
    page.wait_for_selector("#egov-signin[data-state=signed-out]")
    assert _stored(page) is None

    page.evaluate("""() => new Promise((resolve) => egovStandin.handlers["egov-kiem-tra"]({completed: resolve}))""")
    dialogs = page.evaluate("egovStandin.log.filter((e) => e[0] === 'dialog').map((e) => e[1])")
    assert len(dialogs) == 1  # the ribbon with no token kept: refused here, nothing sent, nothing counted
    assert "title=egov-xl – Không thực hiện được" in dialogs[0] and "prompt=Chưa đăng nhập: hãy mở Khung tác vụ" in dialogs[0]

    page.evaluate("egovSignIn.save('ma-da-thu-hoi')")  # a token kept from before, no longer valid
    page.evaluate("""() => new Promise((resolve) => egovStandin.handlers["egov-kiem-tra"]({completed: resolve}))""")
    dialogs = page.evaluate("egovStandin.log.filter((e) => e[0] === 'dialog').map((e) => e[1])")  # wrong token 3 of 4
    assert len(dialogs) == 2 and "title=egov-xl – Không thực hiện được" in dialogs[1]
    assert "prompt=Chưa đăng nhập được (mã 401)" in dialogs[1]

    _sign_in(page, "ma-sai-lan-nua")  # wrong token 4 of 4: this address waits
    text = page.text_content("#egov-signin-status")
    assert text.startswith("Tạm thời bị từ chối (mã 429): Máy 127.0.0.1 đã dùng mã truy cập sai 4 lần")
    assert store.get("SO-A", parse_period("6T/2025")).revision == 1  # nothing more was stored


def test_entra_id_keeps_signing_the_calls(pane):
    """With "entraid" configured, getAuth gives Entra ID's token as the package's auth.js did
    (Office SSO itself cannot run here: xlwings.getAccessToken stands in for it); with both
    providers, a token the clerk typed wins and says it is "custom"."""
    page, *_ = pane
    alone, both, typed = page.evaluate("""async () => {
        const saved = config.authProviders;
        xlwings.getAccessToken = async () => "Bearer entra-token";
        config.authProviders = ["entraid"];
        const alone = await getAuth();
        config.authProviders = ["custom", "entraid"];
        const both = await getAuth();
        await egovSignIn.save("ma-cua-can-bo");
        const typed = await getAuth();
        await egovSignIn.forget();
        config.authProviders = saved;
        return [alone, both, typed];
    }""")
    assert alone == {"token": "Bearer entra-token", "provider": "entraid"}
    assert both == alone
    assert typed == {"token": "Bearer ma-cua-can-bo", "provider": "custom"}


def test_the_sign_in_is_accessible(pane, axe):
    """axe-core on the sign-in, signed out (the field) and signed in (who, Đăng xuất)."""
    from tests.test_web_a11y import _violations

    page, _, _, token, _ = pane
    assert _violations(page, axe) == []
    _sign_in(page, token)
    assert page.get_attribute("#egov-signin", "data-state") == "signed-in"
    assert _violations(page, axe) == []
    page.focus("#egov-signout")  # reachable and named for a keyboard and a screen reader
    assert page.evaluate("document.activeElement.textContent") == "Đăng xuất"


@pytest.mark.parametrize("pane", [{"XLWINGS_AUTH_REQUIRED_ROLES": '["quan-tri"]'}], indirect=True)
def test_a_forbidden_clerk_is_told_so_in_vietnamese(pane):
    """xlwings Server's role check (403, its sentence in English) becomes a Vietnamese failure:
    in the sign-in, and on the ribbon's dialog."""
    page, store, _, token, _ = pane
    _sign_in(page, token)
    assert page.text_content("#egov-signin-status") == "Tài khoản không có quyền làm việc này (mã 403)."
    assert _stored(page) is None and page.get_attribute("#egov-signin", "data-state") == "signed-out"
    page.evaluate("(token) => egovSignIn.save(token)", token)  # as if kept from before the roles changed
    page.evaluate("""() => new Promise((resolve) => egovStandin.handlers["egov-luu-ky-bao-cao"]({completed: resolve}))""")
    dialogs = page.evaluate("egovStandin.log.filter((e) => e[0] === 'dialog').map((e) => e[1])")
    assert len(dialogs) == 1 and "title=egov-xl – Không thực hiện được" in dialogs[0]
    assert "prompt=Tài khoản không có quyền làm việc này (mã 403)." in dialogs[0] and "Auth error" not in dialogs[0]
    assert store.count_submissions() == 1  # the seed only
