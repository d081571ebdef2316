"""`egov-xl auth unlock ADDRESS`: lift the lock-out of a client address (wrong tokens counted in
the archive, shared by every worker and server: egov_xl/server/auth_state.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import EXIT_OK, Lang, LangOption, UrlOption, archive_call, catalogue_for, fail, open_archive, out

app = typer.Typer(no_args_is_help=True, help="Xác thực: gỡ khoá địa chỉ đã dùng mã truy cập sai quá số lần cho phép.")


@app.command("unlock")
def auth_unlock(
    address: Annotated[str, typer.Argument(help="Địa chỉ IP bị khoá (như trong nhật ký máy chủ).")],
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Gỡ khoá một địa chỉ: quên mọi lần dùng mã sai đã ghi của nó (mọi tiến trình, mọi máy chủ)."""
    from ..server.auth_state import unlock

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    archive_call(catalogue, archive.init)
    count = archive_call(catalogue, unlock, archive, address)
    if not count:
        raise fail(catalogue, "auth_not_locked", code=EXIT_OK, client=address)
    out().print(catalogue.text("auth_unlocked", client=address, count=count), highlight=False)
