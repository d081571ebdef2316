"""The service and proxy examples in deploy/, tested as far as this machine allows:
`systemd-analyze verify` of the systemd unit (its ExecStart pointed at this install), and a
live nginx built from deploy/nginx.conf (TLS at the proxy, name, certificate and ports of this
test) in front of `egov-xl serve` started with the unit's own options: the manifest, the task
pane, the report console and the health check answer through nginx under the prefix, plain
HTTP is sent to HTTPS, and an oversized body stops at nginx."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from egov_xl.cli.serve import SHUTDOWN_GRACE_S
from egov_xl.server.certs import dev_certificate
from tests.live_server import free_port, live_process

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "egov-xl.service"
NGINX = ROOT / "deploy" / "nginx.conf"
PREFIX = "/egov-xl"


def _tool(name: str) -> str:
    places = (f"/usr/sbin/{name}", f"/usr/bin/{name}")  # /usr/sbin is not on every PATH
    found = shutil.which(name) or next((place for place in places if os.path.exists(place)), None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI=true (scripts/system-packages installs it)")
        pytest.skip(f"{name} not installed")
    return found


def _unit() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_systemd_unit_verifies(tmp_path):
    analyze = _tool("systemd-analyze")
    unit = _unit()
    binary = shlex.split(unit["ExecStart"][0])[0]
    installed = Path(sys.executable).with_name("egov-xl")
    copy = tmp_path / "egov-xl.service"
    copy.write_text(UNIT.read_text(encoding="utf-8").replace(binary, str(installed)), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "egov-xl.service" not in done.stderr, done.stderr
    assert unit["User"] == ["egov-xl"] and unit["EnvironmentFile"] == ["/etc/egov-xl/egov-xl.env"]
    assert "HOME=/var/lib/egov-xl" in unit["Environment"]
    assert int(unit["TimeoutStopSec"][0]) > SHUTDOWN_GRACE_S
    for hardening in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "RestrictSUIDSGID"):
        assert unit[hardening] == ["yes"], hardening
    assert unit["ProtectSystem"] == ["strict"] and unit["ReadWritePaths"] == ["/var/lib/egov-xl"]


def _nginx_config(folder: Path, upstream: int, https: int, http: int) -> Path:
    cert, key = dev_certificate(folder / "tls")
    site = (NGINX.read_text(encoding="utf-8")
            .replace("egov.tinh.gov.vn", "localhost")
            .replace("/etc/egov-xl/tls/fullchain.pem", str(cert)).replace("/etc/egov-xl/tls/privkey.pem", str(key))
            .replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
            .replace("listen 80;", f"listen 127.0.0.1:{http};"))
    (folder / "egov-xl.conf").write_text(site, encoding="utf-8")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temps = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in kinds)
    main = folder / "nginx.conf"
    main.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    access_log {folder / 'access.log'};
{temps}
    include {folder / 'egov-xl.conf'};
}}
""", encoding="utf-8")
    return main


def _unit_args(public_url: str) -> list[str]:
    """The unit's `serve` options, with this test's public URL (the port comes from live_process)."""
    args = shlex.split(_unit()["ExecStart"][0])[2:]
    at = args.index("--port")
    del args[at:at + 2]
    args[args.index("--public-url") + 1] = public_url
    return [arg for arg in args if arg != "--http"]


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def test_live_nginx_in_front_of_the_server(tmp_path):
    nginx = _tool("nginx")
    https, http = free_port(), free_port()
    public = f"https://localhost:{https}{PREFIX}"
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "EGOV_PRIVATE_DIR": str(tmp_path / "private")}
    with live_process(*_unit_args(public), env=env, ready=PREFIX + "/") as (base, _):
        upstream = int(base.rsplit(":", 1)[1])
        config = _nginx_config(tmp_path, upstream, https, http)
        checked = subprocess.run([nginx, "-t", "-c", str(config)], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        proxy = subprocess.Popen([nginx, "-c", str(config), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            _wait(http)
            trust = ssl.create_default_context(cafile=str(tmp_path / "tls" / "localhost.pem"))
            with httpx.Client(base_url=f"https://localhost:{https}", verify=trust) as client:
                manifest = client.get(f"{PREFIX}/manifest.xml")
                assert manifest.status_code == 200
                urls = re.findall(r'(?:DefaultValue="|<AppDomain>)(https?://[^"<]+)', manifest.text)
                assert urls and all(url == public or url.startswith(public + "/") for url in urls), urls
                assert client.get(f"{PREFIX}/taskpane.html").status_code == 200
                assert client.get(f"{PREFIX}/static/js/ribbon.js").status_code == 200
                health = client.get(f"{PREFIX}/health")
                assert health.status_code == 200 and health.text.startswith("egov-xl đang chạy")
                board = client.get(f"{PREFIX}/bao-cao")
                assert board.status_code == 200
                links = re.findall(r'(?:href|action)="(/[^"]*)"', board.text)
                assert links and all(link.startswith(PREFIX + "/") for link in links), links
                css = re.search(r'rel="stylesheet" href="([^"]+)"', board.text).group(1)
                assert client.get(css).status_code == 200
                upload = client.get(f"{PREFIX}/bao-cao/kiem-tra")
                assert upload.status_code == 200 and f'action="{PREFIX}/bao-cao/kiem-tra"' in upload.text
                # a client naming another address for itself: nginx sets the header, never appends
                spoofed = client.get(f"{PREFIX}/bao-cao/kiem-tra", headers={"X-Forwarded-For": "203.0.113.9"})
                assert spoofed.status_code == 200
                big = client.post(f"{PREFIX}/xlwings/custom-scripts-call/kiem_tra", content=b"x" * (13 * 1024 * 1024))
                assert big.status_code == 413 and "nginx" in big.text  # stopped at the proxy
            plain = httpx.get(f"http://127.0.0.1:{http}{PREFIX}/bao-cao")
            assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)
        served = base.log.read_text(encoding="utf-8")
        assert f'route="{PREFIX}/bao-cao" status=200' in served  # the request came through nginx
        assert f'client=127.0.0.1 user=- method=GET route="{PREFIX}/bao-cao/kiem-tra" status=200' in served
        assert "203.0.113.9" not in served


def test_admin_commands_reach_the_services_archive_and_tokens(tmp_path):
    """deploy/egov-xl-admin runs a command with the service's environment file and data folder:
    the units and tokens an admin imports land where `egov-xl serve` under systemd reads them,
    not in a SQLite file and tokens of the admin's own home folder (where a bare `egov-xl` puts
    them)."""
    runuser = _tool("runuser")
    assert os.geteuid() == 0, "runuser needs root, as `sudo sh deploy/egov-xl-admin` has"
    state, home = tmp_path / "var-lib-egov-xl", tmp_path / "admin-home"
    state.mkdir(mode=0o750)
    home.mkdir()
    tokens = state / "private" / "tokens.yaml"
    env_file = tmp_path / "egov-xl.env"
    env_file.write_text("# as deploy/egov-xl.env.example, SQLite\nEGOV_WEB_SECRET=abc\n"
                        f'XLWINGS_AUTH_PROVIDERS=["custom"]\nEGOV_TOKENS_FILE={tokens}\n'
                        f"EGOV_PRIVATE_DIR={state / 'private'}\n", encoding="utf-8")
    env = {"PATH": f"{Path(runuser).parent}:/usr/bin:/bin", "HOME": str(home), "EGOV_ENV_FILE": str(env_file),
           "EGOV_STATE_DIR": str(state), "EGOV_SERVICE_USER": "root",
           "EGOV_PROGRAM": str(Path(sys.executable).with_name("egov-xl"))}

    def admin(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", str(ROOT / "deploy" / "egov-xl-admin"), *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    done = admin("archive", "init")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (state / "egov-xl" / "archive.sqlite3").is_file()  # the service's XDG_DATA_HOME
    added = admin("token", "add", "--name", "Trần Thị Bích", "--unit", "XA-HOA-PHONG", "--create-unit")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "Trần Thị Bích" in tokens.read_text(encoding="utf-8")
    listed = admin("token", "list")
    assert listed.returncode == 0 and "Trần Thị Bích" in listed.stdout
    assert not (home / ".local").exists()  # nothing in the admin's own folder
