"""The addresses `egov-xl serve` gives Excel and the admin: the manifest's URLs and the start
banner for `--hostname` with and without a port and for `--public-url` behind a proxy (with a
port, with a path prefix), and the web console working under that prefix (links, forms, style
sheet, redirects, the session cookie's path), over HTTP against the real server."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from egov_xl.archive.store import Archive
from egov_xl.core.errors import UserError
from egov_xl.server.public_url import PublicUrl, from_hostname, parse
from egov_xl.server.tokens import issue
from tests.live_server import live_server


@pytest.mark.parametrize(("text", "expected", "shown"), [
    ("https://egov.tinh.gov.vn", PublicUrl("https", "egov.tinh.gov.vn"), "https://egov.tinh.gov.vn"),
    ("https://egov.tinh.gov.vn/", PublicUrl("https", "egov.tinh.gov.vn"), "https://egov.tinh.gov.vn"),
    ("https://egov.tinh.gov.vn:443", PublicUrl("https", "egov.tinh.gov.vn", 443), "https://egov.tinh.gov.vn"),
    ("https://egov.tinh.gov.vn:8443", PublicUrl("https", "egov.tinh.gov.vn", 8443), "https://egov.tinh.gov.vn:8443"),
    ("https://egov.tinh.gov.vn/egov-xl/", PublicUrl("https", "egov.tinh.gov.vn", None, "/egov-xl"),
     "https://egov.tinh.gov.vn/egov-xl"),
    ("https://egov.tinh.gov.vn:8443/a/b", PublicUrl("https", "egov.tinh.gov.vn", 8443, "/a/b"),
     "https://egov.tinh.gov.vn:8443/a/b"),
])
def test_public_url_forms(text, expected, shown):
    assert parse(text) == expected
    assert str(parse(text)) == shown


@pytest.mark.parametrize("text", ["http://egov.tinh.gov.vn", "egov.tinh.gov.vn", "https://egov.tinh.gov.vn/?a=1",
                                  "https://u:p@egov.tinh.gov.vn", "https://egov.tinh.gov.vn/a b",
                                  "https://egov.tinh.gov.vn:99999", "https://egov.tinh.gov.vn/#x", "https:///x"])
def test_public_url_refused(text):
    with pytest.raises(UserError) as caught:
        parse(text)
    assert caught.value.key == "serve_public_url_invalid"


@pytest.mark.parametrize(("hostname", "port", "shown"), [
    ("egov.tinh.gov.vn", 8000, "https://egov.tinh.gov.vn:8000"),       # the port it listens on
    ("egov.tinh.gov.vn:9443", 8000, "https://egov.tinh.gov.vn:9443"),  # the port given
    ("egov.tinh.gov.vn", 443, "https://egov.tinh.gov.vn"),
])
def test_hostname_gets_the_listening_port(hostname, port, shown):
    assert str(from_hostname(hostname, port)) == shown


def _manifest_urls(text: str) -> list[str]:
    return re.findall(r'(?:DefaultValue="|<AppDomain>)(https?://[^"<]+)', text)


def _under(urls: list[str], base: str) -> bool:
    return all(url == base or url.startswith(base + "/") for url in urls)


def _banner(base) -> str:
    return " ".join(base.log.read_text(encoding="utf-8").split())


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


@pytest.mark.parametrize(("args", "expected"), [
    (("--hostname", "egov.tinh.gov.vn"), "https://egov.tinh.gov.vn:{port}"),
    (("--hostname", "egov.tinh.gov.vn:9443"), "https://egov.tinh.gov.vn:9443"),
    (("--public-url", "https://egov.tinh.gov.vn"), "https://egov.tinh.gov.vn"),
    (("--public-url", "https://egov.tinh.gov.vn:8443/"), "https://egov.tinh.gov.vn:8443"),
])
def test_manifest_and_banner_urls(args, expected, tmp_path):
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "EGOV_PRIVATE_DIR": str(tmp_path / "p")}
    with live_server(*args, env=env) as base:
        expected = expected.format(port=_port(base))
        manifest = httpx.get(base + "/manifest.xml").text
        urls = _manifest_urls(manifest)
        assert len(urls) > 20 and _under(urls, expected), urls
        assert f"{expected}/taskpane.html" in urls
        banner = _banner(base)
        assert f"Manifest: {expected}/manifest.xml" in banner and f"Trang báo cáo: {expected}/bao-cao" in banner
        assert ":{0}:{0}".format(_port(base)) not in banner and "http://" not in banner


def test_default_banner_names_this_server(tmp_path):
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "EGOV_PRIVATE_DIR": str(tmp_path / "p")}
    with live_server(env=env) as base:
        port = _port(base)
        assert f"Manifest: http://localhost:{port}/manifest.xml" in _banner(base)
        urls = _manifest_urls(httpx.get(base + "/manifest.xml").text)
        assert urls and _under(urls, f"http://127.0.0.1:{port}")


def test_bad_public_url_is_one_sentence(tmp_path):
    command = [sys.executable, "-m", "egov_xl", "serve", "--http", "--public-url", "http://egov.tinh.gov.vn"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "Địa chỉ công khai \"http://egov.tinh.gov.vn\" không hợp lệ" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


PREFIX = "/egov-xl"


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory):
    """A server with tokens behind a (pretend) proxy at https://egov.tinh.gov.vn:8443/egov-xl."""
    folder = tmp_path_factory.mktemp("prefixed")
    token, _ = issue(folder / "tokens.yaml", "Nguyễn Văn A", ["SO-TTTT"])
    archive = Archive(f"sqlite:///{folder / 'a.sqlite3'}")
    archive.init()
    archive.set_unit("SO-TTTT", "Sở Thông tin và Truyền thông")
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{folder / 'a.sqlite3'}", "EGOV_PRIVATE_DIR": str(folder / "p"),
           "EGOV_TOKENS_FILE": str(folder / "tokens.yaml"), "XLWINGS_AUTH_PROVIDERS": '["custom"]'}
    with live_server("--public-url", f"https://egov.tinh.gov.vn:8443{PREFIX}", env=env, ready=PREFIX + "/") as base:
        yield base, token


def test_addin_under_a_prefix(prefixed):
    base, _ = prefixed
    urls = _manifest_urls(httpx.get(f"{base}{PREFIX}/manifest.xml").text)
    assert urls and _under(urls, f"https://egov.tinh.gov.vn:8443{PREFIX}")
    pane = httpx.get(f"{base}{PREFIX}/taskpane.html")
    assert pane.status_code == 200
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', pane.text)
    assert assets and all(path.startswith(PREFIX + "/") for path in assets), assets
    for path in assets[:5]:
        assert httpx.get(base + path).status_code == 200, path
    config = httpx.get(f"{base}{PREFIX}/static/js/config.js")
    assert config.status_code == 200
    assert httpx.get(f"{base}{PREFIX}/static/js/ribbon.js").status_code == 200
    # the add-in's calls live under the prefix too, and still need a token
    assert httpx.post(f"{base}{PREFIX}/xlwings/custom-scripts-call/kiem_tra", json={}).status_code == 401
    assert httpx.post(f"{base}{PREFIX}/egov/functions-batch", json={"calls": []}).status_code == 401


def test_console_under_a_prefix(prefixed):
    base, token = prefixed
    with httpx.Client(base_url=base) as client:
        first = client.get(f"{PREFIX}/bao-cao")
        assert first.status_code == 303 and first.headers["location"] == f"{PREFIX}/bao-cao/dang-nhap"
        form = client.get(f"{PREFIX}/bao-cao/dang-nhap")
        assert f'action="{PREFIX}/bao-cao/dang-nhap"' in form.text
        css = re.search(r'rel="stylesheet" href="([^"]+)"', form.text).group(1)
        assert css.startswith(PREFIX + "/static/") and client.get(css).status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        signed = client.post(f"{PREFIX}/bao-cao/dang-nhap", data={"csrf": csrf, "token": token})
        assert signed.status_code == 303 and signed.headers["location"].startswith(f"{PREFIX}/bao-cao")
        assert f"Path={PREFIX}/bao-cao" in signed.headers["set-cookie"]
        board = client.get(signed.headers["location"], follow_redirects=True)
        assert board.status_code == 200 and "Sở Thông tin và Truyền thông" in board.text
        links = re.findall(r'(?:href|action)="(/[^"]*)"', board.text)
        assert links and all(link.startswith(PREFIX + "/") for link in links), links
        assert client.get(f"{PREFIX}/bao-cao/kiem-tra").status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', board.text).group(1)
        out = client.post(f"{PREFIX}/bao-cao/dang-xuat", data={"csrf": csrf})
        assert out.status_code == 303 and out.headers["location"] == f"{PREFIX}/bao-cao/dang-nhap"
