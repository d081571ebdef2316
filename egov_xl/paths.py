"""Whether two paths name one file on disk (device and inode, so a hard link or another spelling
of the path is the same file): the outputs and the archive's backup ask it before they write."""

from __future__ import annotations

import os
from pathlib import Path


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (or cannot be looked at): not the same file
        return Path(a).resolve() == Path(b).resolve()
