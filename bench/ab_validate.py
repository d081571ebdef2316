"""Benchmark: `egov-xl validate` of the 50-form workbook by this tree and by an earlier revision,
side by side, as whole processes with compiled bytecode.

This machine's speed drifts by a third within an hour, so two runs of bench_validate.py at
different times do not compare two trees. Here each round runs the floor (a python-calamine
process reading the same file), the earlier revision and this tree, in a shuffled order, and
the figures are each round's own ratios: each tree ÷ the floor, and this tree ÷ the earlier one.

    .venv/bin/python bench/ab_validate.py REVISION [--rounds 41]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_cli  # noqa: E402
from bench.bench_validate import build_large  # noqa: E402

LAUNCHER = "import sys; sys.path.insert(0, {tree!r}); sys.argv[0] = 'egov-xl'; from egov_xl.cli import main; main()\n"


def earlier_tree(revision: str, folder: Path) -> list[str]:
    """The package as `revision` holds it, in `folder`, and the command that runs its CLI."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "egov_xl"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    launcher = folder / "egov-xl"
    launcher.write_text(LAUNCHER.format(tree=str(folder)), encoding="utf-8")
    return [bench_cli.PY, str(launcher)]


def quartiles(values: list[float]) -> str:
    median, lower, upper = bench_cli.spread(values)
    return f"{median:.3f} (quartiles {lower:.3f}–{upper:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("revision")
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_cli.ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        bench_cli.ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        (Path(tmp) / "old").mkdir()
        large = str(build_large(Path(tmp) / "large.xlsx"))
        commands = {"floor": [bench_cli.PY, "-c", bench_cli.CALAMINE_READ, large],
                    "earlier": [*earlier_tree(args.revision, Path(tmp) / "old"), "validate", large],
                    "this": [bench_cli.EGOV, "validate", large]}
        bench_cli.rounds(commands, 1)  # compile, and warm the file cache for all alike
        samples = bench_cli.rounds(commands, args.rounds, random.Random(1))
    walls = {name: [sample[0] for sample in runs] for name, runs in samples.items()}
    floor = walls["floor"]
    print(f"floor median {statistics.median(floor) * 1000:.0f} ms over {args.rounds} rounds")
    for name in ("earlier", "this"):
        print(f"{name} ({args.revision if name == 'earlier' else 'this tree'}) ÷ floor, each round: "
              f"{quartiles([w / f for w, f in zip(walls[name], floor)])}")
    print(f"this tree ÷ {args.revision}, each round: {quartiles([t / e for t, e in zip(walls['this'], walls['earlier'])])}")


if __name__ == "__main__":
    main()
