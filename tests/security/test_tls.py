"""`egov-xl serve` with the organisation's certificate, as admins bring it: a PEM without its key
(refused with a sentence, no longer the localhost certificate served silently), one PEM holding
both, a PFX/PKCS#12 file (converted into the private folder, 0600), an encrypted key (asked for
once in a terminal, EGOV_TLS_PASSPHRASE for a service, else a sentence), a wrong passphrase —
never "Unexpected error". And the localhost certificate on a non-loopback bind warns."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.live_server import free_port
from tests.terminal import terminal

PASS = "mật-khẩu-khoá"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path | bytes]:
    """The province's certificate for egov.tinh.gov.vn (and 127.0.0.1, to reach it here) in the
    forms admins receive it."""
    folder = tmp_path_factory.mktemp("pki")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "egov.tinh.gov.vn")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("egov.tinh.gov.vn"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    plain_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    files = {
        "cert": cert_pem, "key": plain_key, "both": cert_pem + plain_key,
        "encrypted_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(PASS.encode())),
        "pfx": pkcs12.serialize_key_and_certificates(b"egov", key, cert, None,
                                                     serialization.BestAvailableEncryption(PASS.encode())),
    }
    paths = {}
    for label, data in files.items():
        paths[label] = folder / {"pfx": "tinh.pfx"}.get(label, f"{label}.pem")
        paths[label].write_bytes(data)
    paths["der"] = cert.public_bytes(serialization.Encoding.DER)
    return paths


def _command(port: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "egov_xl", "serve", "--port", str(port), *args]


def _env(tmp_path, **extra) -> dict[str, str]:
    return {**os.environ, "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
            "EGOV_PRIVATE_DIR": str(tmp_path / "private"), "COLUMNS": "400", **extra}


def _refused(tmp_path, *args: str, **extra) -> str:
    done = subprocess.run(_command(free_port(), *args), env=_env(tmp_path, **extra), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    text = done.stdout + done.stderr
    assert done.returncode == 2, text
    assert "Unexpected" not in text and "Traceback" not in text
    return " ".join(text.split())


def _served_certificate(port: int, process: subprocess.Popen, log) -> bytes:
    """The certificate the running server presents (DER), once it answers over HTTPS."""
    for _ in range(300):  # a loaded machine: up to a minute
        if process.poll() is not None:
            raise AssertionError("serve exited: " + log())
        try:
            if httpx.get(f"https://127.0.0.1:{port}/", verify=False, timeout=1).status_code == 200:
                return ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", port)))
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("serve did not answer: " + log())


def _serve(tmp_path, *args: str, **extra) -> bytes:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(_command(port, *args), env=_env(tmp_path, **extra), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        return _served_certificate(port, process, log.read_text)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_cert_without_key_is_refused_with_a_sentence(pki, tmp_path):
    text = _refused(tmp_path, "--cert", str(pki["cert"]))
    assert "không có khoá riêng" in text and "--key" in text
    assert not (tmp_path / "private" / "localhost.pem").exists()  # not the localhost one instead


def test_key_without_cert_is_refused_with_a_sentence(pki, tmp_path):
    assert "thiếu --cert" in _refused(tmp_path, "--key", str(pki["key"]))


def test_one_pem_with_certificate_and_key_is_served(pki, tmp_path):
    assert _serve(tmp_path, "--cert", str(pki["both"])) == pki["der"]


def test_a_pem_pair_is_served(pki, tmp_path):
    assert _serve(tmp_path, "--cert", str(pki["cert"]), "--key", str(pki["key"])) == pki["der"]


def test_pfx_is_converted_into_the_private_folder_and_served(pki, tmp_path):
    assert _serve(tmp_path, "--cert", str(pki["pfx"]), EGOV_TLS_PASSPHRASE=PASS) == pki["der"]
    private = tmp_path / "private"
    for name in ("tls-from-pfx.pem", "tls-from-pfx-key.pem"):
        assert stat.S_IMODE((private / name).stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in (private / "tls-from-pfx-key.pem").read_bytes()


def test_encrypted_key_or_pfx_without_a_terminal_is_a_sentence(pki, tmp_path):
    for args in (("--cert", str(pki["cert"]), "--key", str(pki["encrypted_key"])), ("--cert", str(pki["pfx"]))):
        text = _refused(tmp_path, *args)
        assert "được bảo vệ bằng mật khẩu" in text and "EGOV_TLS_PASSPHRASE" in text


def test_wrong_passphrase_is_a_sentence(pki, tmp_path):
    for args in (("--cert", str(pki["cert"]), "--key", str(pki["encrypted_key"])), ("--cert", str(pki["pfx"]))):
        assert "không đúng" in _refused(tmp_path, *args, EGOV_TLS_PASSPHRASE="sai")


def test_garbage_certificate_is_a_sentence(tmp_path):
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("-----BEGIN CERTIFICATE-----\nkhông phải chứng chỉ\n-----END CERTIFICATE-----\n"
                     "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    assert "Không đọc được chứng chỉ" in _refused(tmp_path, "--cert", str(bogus))


def test_encrypted_key_is_asked_for_once_in_a_terminal(pki, tmp_path):
    port = free_port()
    prompt = "Mật khẩu của khoá riêng"
    with terminal(_command(port, "--cert", str(pki["cert"]), "--key", str(pki["encrypted_key"])),
                  _env(tmp_path)) as console:
        console.answer(prompt, PASS)
        assert _served_certificate(port, console.process, console.text) == pki["der"]
        assert console.text().count(prompt) == 1  # asked once, for every worker
        assert PASS not in console.text()  # not echoed


def test_localhost_certificate_on_a_non_loopback_bind_warns(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(_command(port, "--host", "0.0.0.0", "--allow-anonymous"), env=_env(tmp_path),
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _served_certificate(port, process, log.read_text)
    finally:
        process.terminate()
        process.wait(timeout=15)
    text = " ".join(log.read_text().split())
    assert "dùng chứng chỉ tự tạo cho localhost" in text and "0.0.0.0" in text
