"""The documentation: the MkDocs site builds with --strict (every page in the nav, no link to a
missing page or anchor), and every relative link of the README and the CHANGELOG names a file
that exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_site_builds_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert (tmp_path / "site" / "index.html").is_file()


def relative_links(markdown: Path) -> list[str]:
    links = LINK.findall(markdown.read_text(encoding="utf-8"))
    return [link for link in links if "://" not in link and not link.startswith(("#", "mailto:"))]


def test_readme_links_exist():
    for page in (ROOT / "README.md", ROOT / "CHANGELOG.md"):
        if not page.exists():
            assert page.name == "CHANGELOG.md", page
            continue
        links = relative_links(page)
        assert links, page
        missing = [link for link in links if not (page.parent / link.split("#")[0]).exists()]
        assert missing == [], f"{page.name}: {missing}"


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1: lines.index("```")]
    assert [line.split()[0] for line in block] == ["scripts/demo", "scripts/test"]
    assert len(lines) < 120  # the reference lives under docs/, the README stays a front page
