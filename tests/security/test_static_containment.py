"""Static files never leave their folders: `..` in every encoding, backslashes, absolute paths
and symbolic links out of the project's static folder, sent byte for byte to the real server
(`egov-xl serve`) and to create_app's app; our own and xlwings' vendored files still load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from egov_xl.server.app import create_app
from egov_xl.server.guards import ContainedStaticFiles
from tests.conftest import ADDIN_DIR
from tests.live_server import live_server
from tests.security.attack import asgi_get, raw_get

SECRET = "egov-secret-7f3a"

# each reaches, from /static/, a file that exists beside or above the project's static folder
ESCAPES = [
    "/static/..%2fcerts%2fsecret.pem",
    "/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fhostname",
    "/static/%2e%2e/certs/secret.pem",
    "/static/%2e%2e%2fcerts%2fsecret.pem",
    "/static/.%2e/certs/secret.pem",
    "/static/%252e%252e%252fcerts%252fsecret.pem",          # double-encoded
    "/static/..%252fcerts%252fsecret.pem",
    "/static/..%5ccerts%5csecret.pem",                     # backslash, encoded
    "/static/..\\certs\\secret.pem",                       # backslash, raw
    "/static/%255c..%255ccerts%255csecret.pem",
    "/static//etc/hostname",                               # absolute
    "/static/%2fetc%2fhostname",
    "/static/C:%5cWindows%5cwin.ini",
    "/static/js/../../certs/secret.pem",
    "/static/js/%2e%2e/%2e%2e/certs/secret.pem",
    "/static/..%00/certs/secret.pem",
]
ALPINE = "/static/vendor/@alpinejs/csp/3.17.5/dist/module.esm.min.js"
LINKS = ["/static/leak.txt", "/static/leakdir/secret.txt"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the add-in project with secrets beside its static folder and symbolic links
    from inside it to a file and a folder outside."""
    root = tmp_path_factory.mktemp("contain")
    project = root / "addin"
    shutil.copytree(ADDIN_DIR, project, ignore=shutil.ignore_patterns("certs", "__pycache__"))
    (project / "certs").mkdir()
    (project / "certs" / "secret.pem").write_text(SECRET)
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (project / "static" / "leak.txt").symlink_to(outside / "secret.txt")
    (project / "static" / "leakdir").symlink_to(outside, target_is_directory=True)
    return project


@pytest.fixture(scope="module")
def server(project, tmp_path_factory):
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'a.sqlite3'}",
           "XLWINGS_PROJECT_DIR": str(project)}
    with live_server("--project", str(project), env=env) as base:
        yield base


def _hostname() -> bytes:
    return Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").exists() else b"\x00none"


@pytest.mark.parametrize("target", ESCAPES + LINKS)
def test_live_server_serves_nothing_outside_static(server, target):
    status, body = raw_get(server, target)
    assert status in (400, 404), (target, status, body[:200])
    assert SECRET.encode() not in body
    assert _hostname() not in body


def test_live_server_still_serves_every_file_the_task_pane_loads(server):
    status, page = raw_get(server, "/taskpane.html")
    assert status == 200
    assets = set(re.findall(r'(?:src|href)="(/static/[^"?#]+)', page.decode()))
    vendored = {a for a in assets if "/vendor/" in a}
    assert {"office-js", "htmx.org", "bootstrap"} <= {a.split("/")[3] for a in vendored}
    for asset in assets | {"/static/js/ribbon.js", "/static/images/icons/egov-32.png", ALPINE}:
        status, body = raw_get(server, asset)
        assert status == 200, asset
        assert body or asset.endswith(".css"), asset  # the project's style.css is empty


def test_live_server_serves_a_link_that_stays_inside(server, project):
    (project / "static" / "images" / "alias.png").symlink_to(project / "static" / "images" / "icons" / "egov-32.png")
    status, body = raw_get(server, "/static/images/alias.png")
    assert status == 200
    assert body == (project / "static" / "images" / "icons" / "egov-32.png").read_bytes()


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def contained_static(app, project, monkeypatch):
    """create_app's static files, pointed at the test project's static folder."""
    from xlwings_server.main import app as xlwings_app

    mounted = [route.app for route in xlwings_app.routes if isinstance(getattr(route, "app", None), ContainedStaticFiles)]
    assert mounted, "create_app did not contain xlwings Server's static files"
    monkeypatch.setattr(mounted[0], "user_dir", project / "static")
    return mounted[0]


@pytest.mark.parametrize("target", ESCAPES + LINKS)
def test_create_app_serves_nothing_outside_static(app, contained_static, target):
    status, body = asgi_get(app, target)
    assert status in (400, 404), (target, status, body[:200])
    assert SECRET.encode() not in body and _hostname() not in body


@pytest.mark.parametrize("path", ["../certs/secret.pem", "leak.txt", "leakdir/secret.txt", "/etc/hostname"])
def test_contained_lookup_refuses_even_without_the_guard(contained_static, path):
    """The static class alone (a request that got past the guard) finds no file outside."""
    found, stat = contained_static.lookup_path(path)
    assert stat is None, found


def test_create_app_serves_our_and_vendored_files(app, contained_static):
    for target in ("/static/js/ribbon.js", "/static/images/icons/egov-32.png",
                   "/static/vendor/htmx.org/2.0.11/dist/htmx.min.js", ALPINE):
        status, body = asgi_get(app, target)
        assert status == 200 and body, target
