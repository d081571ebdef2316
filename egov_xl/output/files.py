"""Writing an output file without ever touching an input: the target is compared with the
inputs as files (device and inode, so a hard link or another spelling of the path is caught),
written to a temporary file in the target's folder and renamed into place, so a failed write
leaves nothing half-written and a link to an input is replaced, not written through."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ..paths import same_file

__all__ = ["OutputExistsError", "SameFileError", "same_file", "write_file"]


class SameFileError(ValueError):
    """The output would be one of the inputs."""


class OutputExistsError(FileExistsError):
    """The output exists and overwriting was not asked for."""


def write_file(target: Path, write: Callable[[Path], object], *, inputs: Iterable[Path] = (),
               overwrite: bool = True) -> Path:
    """Call `write(temporary path)` and move the result to `target` in one step.

    Raises SameFileError if `target` is one of `inputs`, OutputExistsError if it exists and
    `overwrite` is false, OSError when the folder cannot be made or written."""
    target = Path(target)
    if any(same_file(source, target) for source in inputs):
        raise SameFileError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; an output is an ordinary file
    try:
        write(temporary)
        if overwrite:
            os.replace(temporary, target)
        else:
            _place_new(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _place_new(temporary: Path, target: Path) -> None:
    """Move into place only if `target` does not exist (no window between check and write)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise OutputExistsError(str(target)) from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise OutputExistsError(str(target)) from None
        os.replace(temporary, target)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
