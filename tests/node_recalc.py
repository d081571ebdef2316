"""Recalculating =EGOV.RATIO cells under Node through xlwings Server's generated custom-functions
code (tests/js/recalc.mjs), with or without our batching (addin/static/js/function-batch.js)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECALC = ROOT / "tests" / "js" / "recalc.mjs"
BATCH_JS = ROOT / "addin" / "static" / "js" / "function-batch.js"


def recalc(base: str, cells: int, batch: bool) -> dict:
    """{"cold"|"again"|"changed": {"ms", "requests"}}; every cell's value checked by the script."""
    folder = Path(tempfile.mkdtemp(prefix="egov-recalc-"))
    shutil.copy(RECALC, folder / "recalc.mjs")
    shutil.copy(BATCH_JS, folder / "function-batch.js")
    (folder / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    env = {**os.environ, "EGOV_BASE": base, "EGOV_CELLS": str(cells), "EGOV_BATCH": "1" if batch else "0",
           "EGOV_BATCH_JS": str(folder / "function-batch.js")}
    done = subprocess.run(["node", str(folder / "recalc.mjs")], capture_output=True, text=True, env=env,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])
