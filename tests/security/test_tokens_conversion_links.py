"""Converting 0.1.0's clear-text tokens file must leave no token in clear on disk, whatever
the file is: a symbolic link to where the admin keeps it (the conversion replaced the link
and left the clear file, readable by others, in place while saying it was converted), or a
file with another hard link (a `cp -l` copy, a backup)."""

from __future__ import annotations

import hashlib
import os

from egov_xl.server.tokens import convert_clear_text, grant_for

OLD = 'tokens:\n  "token-so-a": {name: "Cán bộ Sở A", units: ["SO-A"]}\n'


def test_conversion_through_a_link_converts_the_file_itself(tmp_path):
    kept = tmp_path / "secrets" / "tokens.yaml"
    kept.parent.mkdir()
    kept.write_text(OLD, encoding="utf-8")
    os.chmod(kept, 0o644)  # as 0.1.0 may have left it
    (tmp_path / "private").mkdir()
    link = tmp_path / "private" / "tokens.yaml"
    link.symlink_to(kept)
    assert convert_clear_text(link) == 1
    assert "token-so-a" not in kept.read_text(encoding="utf-8")
    assert hashlib.sha256(b"token-so-a").hexdigest() in kept.read_text(encoding="utf-8")
    assert link.is_symlink() and os.stat(kept).st_mode & 0o077 == 0
    assert grant_for("token-so-a", link).units == frozenset({"SO-A"})


def test_conversion_leaves_no_clear_token_under_another_name(tmp_path):
    path = tmp_path / "tokens.yaml"
    path.write_text(OLD, encoding="utf-8")
    copy = tmp_path / "tokens.yaml.bak"
    os.link(path, copy)
    assert convert_clear_text(path) == 1
    assert "token-so-a" not in copy.read_text(encoding="utf-8")
    assert grant_for("token-so-a", path).name == "Cán bộ Sở A"
