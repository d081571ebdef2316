"""The certificates of `egov-xl serve`.

Without --cert: a self-signed certificate for localhost (development and single-PC use only;
`serve` warns when it listens beyond this machine with it), kept in the settings' private
folder, the key written with mode 0600 from the start.

With --cert: the organisation's certificate (`organisation_tls`), as a PEM pair, one PEM with
both, or a PFX/PKCS#12 file; an encrypted key's passphrase from the settings or asked once.
Every failure is a sentence (CertError), never a failure inside uvicorn."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UserError
from .private import ensure_folder, write_private

CERT_NAME, KEY_NAME = "localhost.pem", "localhost-key.pem"


def dev_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    ensure_folder(folder)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(private, hashes.SHA256())
    )
    write_private(key_path, private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


# the organisation's certificate (serve --cert [--key]) --------------------------------------------

PFX_CERT_NAME, PFX_KEY_NAME = "tls-from-pfx.pem", "tls-from-pfx-key.pem"


class CertError(UserError):
    """A certificate or key `serve` cannot use; `key` names the catalogue sentence."""


class PassphraseNeeded(Exception):
    """The key (or PFX) is encrypted and no passphrase was given."""


@dataclass(frozen=True)
class Tls:
    """What uvicorn is given: PEM files, and the key's passphrase when it is encrypted."""

    cert: Path
    key: Path | None
    passphrase: str | None = None
    self_signed: bool = False

    def uvicorn(self) -> dict:
        options = {"ssl_certfile": str(self.cert)}
        if self.key is not None:
            options["ssl_keyfile"] = str(self.key)
        if self.passphrase is not None:
            options["ssl_keyfile_password"] = self.passphrase
        return options


def organisation_tls(cert: Path | None, key: Path | None, folder: Path, passphrase: str | None,
                     ask: Callable[[Path], str] | None) -> Tls:
    """The certificate and key from `--cert`/`--key`: a PEM pair, one PEM holding both, or a
    PFX/PKCS#12 file (converted to PEM files in the private `folder`, 0600, the key still under
    the PFX's passphrase). An encrypted key
    takes `passphrase`, else `ask(path)` once (a terminal), else a sentence. Checked by loading
    them as the server will, so a bad file is a sentence, never a failure inside uvicorn."""
    if cert is None:
        raise CertError("serve_key_without_cert", path=key)
    data = _read(cert)
    if _is_pfx(cert, data):
        return _checked(_from_pfx(cert, data, folder, passphrase, ask))
    if key is None:
        if b"PRIVATE KEY-----" not in data:
            raise CertError("serve_cert_no_key", path=cert)
        key = cert  # one PEM with both
    key_data = _read(key)
    if not _encrypted(key_data):
        return _checked(Tls(cert, key))
    passphrase = _pem_passphrase(key, key_data, passphrase, ask)
    return _checked(Tls(cert, key, passphrase))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CertError("serve_cert_unreadable", path=path, reason=exc.strerror or str(exc)) from None


def _is_pfx(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in (".pfx", ".p12") or (b"-----BEGIN" not in data and data[:1] == b"\x30")


def _encrypted(data: bytes) -> bool:
    return b"ENCRYPTED PRIVATE KEY-----" in data or b"Proc-Type: 4,ENCRYPTED" in data


def _with_passphrase(path: Path, passphrase: str | None, ask, load):
    """`load(passphrase)`, asking once when the file needs one and none was given."""
    try:
        return load(passphrase), passphrase
    except PassphraseNeeded:
        if passphrase is not None:
            raise CertError("serve_cert_wrong_passphrase", path=path) from None
        if ask is None:
            raise CertError("serve_cert_passphrase_needed", path=path) from None
    passphrase = ask(path)
    try:
        return load(passphrase), passphrase
    except PassphraseNeeded:
        raise CertError("serve_cert_wrong_passphrase", path=path) from None


def _pem_passphrase(path: Path, data: bytes, passphrase: str | None, ask) -> str:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    def load(given: str | None):
        if given is None:
            raise PassphraseNeeded
        try:
            return load_pem_private_key(data, given.encode())
        except (ValueError, TypeError):
            raise PassphraseNeeded from None

    return _with_passphrase(path, passphrase, ask, load)[1]


def _from_pfx(path: Path, data: bytes, folder: Path, passphrase: str | None, ask) -> Tls:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    def load(given: str | None):
        try:
            return pkcs12.load_key_and_certificates(data, given.encode() if given is not None else None)
        except ValueError as exc:
            if "password" in str(exc).lower() or "mac" in str(exc).lower():
                raise PassphraseNeeded from None
            raise CertError("serve_cert_unreadable", path=path, reason=str(exc)) from None
        except TypeError:
            raise PassphraseNeeded from None

    (private, certificate, chain), given = _with_passphrase(path, passphrase, ask, load)
    if private is None or certificate is None:
        raise CertError("serve_cert_unreadable", path=path, reason="PKCS#12")
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (certificate, *(chain or [])))
    ensure_folder(folder)
    # the key stays under the PFX's passphrase on disk (uvicorn is given it), never in clear
    kept = serialization.BestAvailableEncryption(given.encode()) if given else serialization.NoEncryption()
    key_path = write_private(folder / PFX_KEY_NAME, private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, kept))
    return Tls(write_private(folder / PFX_CERT_NAME, pem), key_path, given or None)


def _checked(tls: Tls) -> Tls:
    """Load the pair as uvicorn will (ssl.SSLContext.load_cert_chain): a mismatch or a file that
    is not a certificate becomes a sentence here."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(tls.cert), str(tls.key) if tls.key else None, password=tls.passphrase)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise CertError("serve_cert_unreadable", path=tls.cert,
                        reason=getattr(exc, "reason", None) or str(exc)) from None
    return tls
