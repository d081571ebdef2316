"""Safe defaults of `egov-xl serve`: no anonymous server reachable from other machines unless
the administrator says so, the generated TLS key in the private folder (0600, never under a
published folder), and no secret file inside a folder the server publishes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from egov_xl.server.certs import dev_certificate
from egov_xl.server.launch import Exposure, exposure, loopback
from tests.conftest import ADDIN_DIR


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`egov-xl serve` that is expected to stop before it listens."""
    return subprocess.run([sys.executable, "-m", "egov_xl", "serve", "--http", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"EGOV_PRIVATE_DIR": str(tmp_path / "private"), "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
            "XLWINGS_AUTH_PROVIDERS": ""}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "egov.so-noi-vu.local"])
def test_anonymous_server_on_a_network_address_is_refused(env, host):
    done = _serve(env, "--host", host, "--port", "9")
    assert done.returncode == 2
    assert f"Không chạy máy chủ trên {host}" in " ".join(done.stderr.split())
    assert "--allow-anonymous" in done.stderr


def test_allow_anonymous_warns(env):
    # a broken archive URL stops it right after the warning, before it would listen on 0.0.0.0
    done = _serve({**env, "EGOV_ARCHIVE_URL": "nosuch://x"}, "--host", "0.0.0.0", "--allow-anonymous")
    assert "Cảnh báo: máy chủ nghe trên 0.0.0.0 mà không xác thực" in " ".join(done.stderr.split())
    assert "Không chạy máy chủ trên" not in done.stderr


@pytest.mark.parametrize(("host", "auth", "allowed", "expected"), [
    ("127.0.0.1", False, False, Exposure.LOCAL), ("localhost", False, False, Exposure.LOCAL),
    ("::1", False, False, Exposure.LOCAL), ("127.0.0.2", False, False, Exposure.LOCAL),
    ("0.0.0.0", True, False, Exposure.LOCAL), ("0.0.0.0", False, True, Exposure.WARN),
    ("10.0.0.5", False, False, Exposure.REFUSE), ("[::]", False, False, Exposure.REFUSE),
])
def test_exposure_decision(host, auth, allowed, expected):
    assert exposure(host, auth, allowed) is expected
    assert loopback(host) == (expected is Exposure.LOCAL and not auth and not allowed)


def test_generated_key_is_private_from_creation(tmp_path):
    old = os.umask(0)
    try:
        cert, key = dev_certificate(tmp_path / "private")
    finally:
        os.umask(old)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert cert.parent == key.parent == tmp_path / "private"


def test_a_key_inside_the_published_folder_is_refused(env, tmp_path):
    key = ADDIN_DIR / "static" / "tls-key.pem"  # not created: the check stops serve before anything is read
    done = _serve(env, "--https", "--cert", str(tmp_path / "c.pem"), "--key", str(key), "--port", "9")
    assert done.returncode == 2
    assert "tệp bí mật" in done.stderr and not key.exists()


def test_default_certificate_is_not_in_the_project(env, tmp_path):
    """serve without --cert/--key writes the certificate to the private folder, not addin/certs."""
    done = _serve({**env, "XLWINGS_AUTH_PROVIDERS": '["custom"]', "EGOV_TOKENS_FILE": str(ADDIN_DIR / "static" / "t.yaml")},
                  "--https", "--port", "9")
    assert done.returncode == 2 and "tệp bí mật" in done.stderr  # the tokens file is refused there...
    assert (tmp_path / "private" / "localhost-key.pem").is_file()  # ...after the key went to the private folder
