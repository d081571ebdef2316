"""`egov-xl forms list|show|check`: the form definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_OK, EXIT_UNREADABLE, Lang, catalogue_for, error, fail, out

app = typer.Typer(no_args_is_help=True, help="Các biểu mẫu đã định nghĩa (form definitions).")


@app.command("list")
def forms_list(lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Liệt kê các biểu mẫu đã định nghĩa."""
    from rich.table import Table

    from .. import definitions

    catalogue = catalogue_for(lang)
    table = Table()
    for key in ("forms_id", "forms_title", "forms_rows", "forms_periods"):
        table.add_column(catalogue.text(key))
    for edition in definitions.editions():
        table.add_row(edition.id, edition.title, str(len(edition.rows)), ", ".join(edition.periods))
    out().print(table)


@app.command("show")
def forms_show(form_id: str, lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Hiển thị các dòng của một biểu mẫu."""
    from rich.table import Table

    from .. import definitions

    catalogue = catalogue_for(lang)
    edition = definitions.edition(form_id)
    if edition is None:
        known = ", ".join(e.id for e in definitions.editions())
        raise fail(catalogue, "unknown_form_id", form=form_id, known=known)
    out().print(f"[bold]{edition.title}[/] ({edition.id}) – {edition.source}", highlight=False)
    table = Table()
    for key in ("forms_id", "forms_label", "forms_kind", "forms_unit", "forms_nature", "forms_parts"):
        table.add_column(catalogue.text(key), overflow="fold")
    for row in edition.rows:
        parts = f"{row.numerator} / {row.denominator}" if row.numerator else ""
        table.add_row(row.code, row.label, row.kind.value, row.unit or "", row.nature or "", parts)
    out().print(table)


@app.command("check")
def forms_check(files: list[Path], lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Kiểm tra tệp định nghĩa biểu mẫu (.yaml) theo lược đồ."""
    from .. import definitions
    from ..definitions import FormFileError

    catalogue = catalogue_for(lang)
    failed = False
    for path in files:
        try:
            edition = definitions.load_edition_file(path)
        except FormFileError as exc:
            failed = True
            for line in exc.render(catalogue):
                error(line)
        except OSError as exc:
            failed = True
            error(catalogue.text("file_unreadable", path=path, reason=exc.strerror or exc))
        else:
            out().print(f"{path}: {edition.id} – {len(edition.rows)} OK", highlight=False)
    raise typer.Exit(EXIT_UNREADABLE if failed else EXIT_OK)
