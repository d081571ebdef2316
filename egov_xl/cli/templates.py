"""`egov-xl templates build|fill`: clean workbook templates made from the form definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import Lang, LangOption, archive_call, catalogue_for, fail, note, out

app = typer.Typer(no_args_is_help=True, help="Tệp mẫu biểu mẫu (.xlsx) sinh từ định nghĩa biểu mẫu.")

TEMPLATES_DIR = Path("workbook_templates")


@app.command("build")
def templates_build(
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi tệp mẫu.")] = TEMPLATES_DIR,
    lang: LangOption = Lang.vi,
) -> None:
    """Sinh tệp mẫu cho mọi biểu mẫu đã định nghĩa."""
    from .. import definitions
    from ..template.build import write_templates

    catalogue = catalogue_for(lang)
    try:
        written = write_templates(definitions.editions(), output)
    except OSError as exc:
        raise fail(catalogue, "write_failed", out=output, reason=exc.strerror or exc) from None
    for path in written:
        out().print(catalogue.text("template_written", path=path), highlight=False)


@app.command("fill")
def templates_fill(
    source: Path,
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp mẫu đã điền.")],
    form: Annotated[str | None, typer.Option("--form", help="Mã biểu mẫu; mặc định tự nhận.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet")] = None,
    recalc: Annotated[bool, typer.Option("--recalc/--no-recalc",
                                         help="Tính lại công thức bằng LibreOffice (nếu có cài).")] = True,
    lang: LangOption = Lang.vi,
) -> None:
    """Chuyển số liệu của biểu mẫu trong một tệp bất kỳ sang tệp mẫu sạch."""
    from ..flows.check import pick_form
    from ..settings import Settings
    from ..output.files import SameFileError
    from ..template.fill import fill_template, save_filled
    from ..template.recalc import RecalcError, recalculate, soffice

    catalogue = catalogue_for(lang)
    checked = archive_call(catalogue, pick_form, source, sheet, form, Settings.from_env().limits)
    if not checked.form.recognised:
        raise fail(catalogue, "template_unknown_form", path=source)
    result = fill_template(checked.form)
    try:
        save_filled(result, output, inputs=(source,))
    except SameFileError:
        raise fail(catalogue, "annotate_same", out=output) from None
    except OSError as exc:
        raise fail(catalogue, "write_failed", out=output, reason=exc.strerror or exc) from None
    if recalc and soffice():
        try:
            recalculate(output, output)
        except (RecalcError, OSError) as exc:
            note(catalogue.text("template_recalc_failed", reason=exc))
    out().print(catalogue.text("template_filled", path=output, placed=result.placed,
                               form=checked.form.edition.short_title), highlight=False)
    for item in result.unplaced:
        out().print(catalogue.text(f"template_unplaced_{item.reason}", code=item.code, value=item.value,
                                   label=item.label, computed=item.computed or catalogue.word("blank")),
                    highlight=False)
