"""Files only the server's own account may read: the TLS private key and the tokens file.

They live in the settings' private folder (EGOV_PRIVATE_DIR, by default `private/` beside the
SQLite archive in the user's data folder), never inside a folder the server publishes. A file
is written whole to a temporary name created with mode 0600 and then renamed over the old one,
so it is never readable by others, not even for an instant, and never half written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def ensure_folder(folder: Path) -> Path:
    """The folder, created for the owner only when it does not exist yet."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    return folder


def write_private(path: Path, data: bytes) -> Path:
    """Replace `path` atomically with `data`, readable and writable by the owner only."""
    ensure_folder(path.parent)
    # mkstemp creates the file with O_EXCL and mode 0600 from the start
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def inside(path: Path, folders: list[Path]) -> Path | None:
    """The first of `folders` that contains `path` (symbolic links resolved), if any."""
    real = path.resolve()
    for folder in folders:
        root = folder.resolve()
        if real == root or root in real.parents:
            return folder
    return None
