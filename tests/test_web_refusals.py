"""What a clerk sees when the console refuses a request that is not one of its pages: a link
typed or bookmarked wrong (404) and a form sent from a page whose session has ended or been
replaced, e.g. a second tab after signing out and in again (403). Both are the console's page
with one Vietnamese sentence, not Starlette's JSON ({"detail": "Not Found"})."""

from __future__ import annotations

from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, login  # noqa: F401 (fixtures)


def test_a_mistyped_link_is_a_vietnamese_page(console, chromium):
    clerk = login(chromium, console["base"], TOKENS["so"])
    answer = clerk.goto(console["base"] + "/bao-cao/kiem-tr")
    assert answer.status == 404 and answer.headers["content-type"].startswith("text/html")
    said = clerk.inner_text("main")
    assert "Không có trang này" in said and "detail" not in clerk.content() and "Not Found" not in said
    clerk.context.close()


def test_a_form_from_an_ended_session_is_a_vietnamese_page_and_stores_nothing(console, chromium, samples):
    base, archive = console["base"], console["archive"]
    before = archive.count_submissions()
    clerk = login(chromium, base, TOKENS["so"])
    clerk.goto(base + "/bao-cao/kiem-tra")  # the upload page left open in one tab…
    other = clerk.context.new_page()  # …while in another the clerk signs out and in again
    other.goto(base + "/bao-cao")
    other.click("text=Đăng xuất")
    other.fill("#token", TOKENS["so"])
    other.click("button[type=submit]")
    clerk.set_input_files("#tep", [samples["bieu-mau-7-dung.xlsx"]])
    clerk.check("#luu")
    clerk.fill("#ky", "Q3/2025")
    with clerk.expect_navigation() as sent:
        clerk.click("button:has-text('Kiểm tra')")
    assert sent.value.status == 403 and sent.value.headers["content-type"].startswith("text/html")
    said = clerk.inner_text("main")
    assert "Phiên làm việc đã hết hạn" in said and "Chưa có gì được lưu" in said, said
    assert "Session expired" not in said and "detail" not in clerk.content()
    assert archive.count_submissions() == before
    clerk.context.close()
