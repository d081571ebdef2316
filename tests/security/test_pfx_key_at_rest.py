"""A passphrase-protected PFX is protected at rest; `serve --cert tinh.pfx` converted it into a
PEM key *without* encryption, left in the private folder for good: anyone who later reads that
folder (a backup of it, a copied disk) has the province's private key without the passphrase.
The converted key keeps the PFX's passphrase (uvicorn is given it), and is still served."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

from egov_xl.server.certs import organisation_tls
from tests.security.test_tls import PASS, pki  # noqa: F401 (fixture)


def test_pfx_key_is_not_left_in_clear(pki, tmp_path):  # noqa: F811 (fixture)
    folder = tmp_path / "private"
    tls = organisation_tls(pki["pfx"], None, folder, PASS, None)
    written = tls.key.read_bytes()
    with pytest.raises(TypeError):  # "Password was not given but private key is encrypted"
        load_pem_private_key(written, None)
    assert load_pem_private_key(written, PASS.encode()) is not None
    assert tls.uvicorn()["ssl_keyfile_password"] == PASS
    for path in folder.iterdir():  # nowhere else in the folder either
        assert b"BEGIN PRIVATE KEY" not in path.read_bytes(), path


def test_pfx_without_passphrase_is_still_converted(pki, tmp_path):  # noqa: F811 (fixture)
    key = load_pem_private_key(pki["key"].read_bytes(), None)
    from cryptography import x509
    cert = x509.load_pem_x509_certificate(pki["cert"].read_bytes())
    open_pfx = tmp_path / "open.pfx"
    open_pfx.write_bytes(pkcs12.serialize_key_and_certificates(b"egov", key, cert, None,
                                                               serialization.NoEncryption()))
    tls = organisation_tls(open_pfx, None, tmp_path / "private", None, None)
    assert load_pem_private_key(tls.key.read_bytes(), None) is not None and tls.passphrase is None
