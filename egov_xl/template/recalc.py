"""Recalculating a workbook with LibreOffice (headless), so formulas carry computed values.

Files written by a program that does not calculate (openpyxl, this package) hold formulas
without results; Excel computes them on opening, the engine reads results. Where LibreOffice
is installed, `recalculate` produces the same file with its results filled in.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..output.files import write_file


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class RecalcError(RuntimeError):
    pass


def recalculate(source: Path, target: Path, timeout: float = 120) -> Path:
    """Open `source` in LibreOffice, recalculate every formula, save as .xlsx to `target`."""
    binary = soffice()
    if binary is None:
        raise RecalcError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="egov-lo-") as work:
        work_dir = Path(work)
        profile = (work_dir / "profile").as_uri()
        done = subprocess.run(
            [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
             "xlsx:Calc MS Excel 2007 XML", "--outdir", str(work_dir / "out"), str(source)],
            capture_output=True, text=True, timeout=timeout,
        )
        produced = work_dir / "out" / (source.stem + ".xlsx")
        if done.returncode != 0 or not produced.exists():
            raise RecalcError((done.stderr or done.stdout or "conversion failed").strip()[:300])
        write_file(target, lambda path: shutil.copyfile(produced, path))
    return target


def render_pdf(source: Path, out_dir: Path, timeout: float = 120) -> Path:
    """Print `source` to PDF with LibreOffice, using the workbook's own page set-up."""
    return convert([source], "pdf", "pdf", out_dir, timeout)[0]


def convert(sources: list[Path], target: str, suffix: str, out_dir: Path, timeout: float = 120) -> list[Path]:
    """Convert every source with one LibreOffice run to `target` ("pdf", "ods:calc8"), in its
    own profile (so parallel runs do not share a lock); the files written, named `.suffix`."""
    binary = soffice()
    if binary is None:
        raise RecalcError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="egov-lo-") as work:
        profile = (Path(work) / "profile").as_uri()
        subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(out_dir), *map(str, sources)],
                       capture_output=True, text=True, timeout=timeout, check=True)
    return [out_dir / f"{source.stem}.{suffix}" for source in sources]
