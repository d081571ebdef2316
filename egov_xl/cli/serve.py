"""`egov-xl serve`: the Excel add-in server (xlwings Server) with the archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import Lang, LangOption, UrlOption, archive_call, catalogue_for, error, fail, open_archive, out

SHUTDOWN_GRACE_S = 5  # on SIGTERM, calls in flight get this long; an archive write is all or nothing


def serve(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    https: Annotated[bool, typer.Option("--https/--http", help="HTTPS (Excel chỉ nạp phần bổ trợ qua HTTPS).")] = True,
    cert: Annotated[Path | None, typer.Option("--cert", help="Chứng chỉ TLS: PEM (có thể chứa cả khoá) hoặc .pfx/.p12; mặc định tự tạo cho localhost.")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Khoá riêng của chứng chỉ (PEM); mật khẩu của khoá: EGOV_TLS_PASSPHRASE hoặc nhập khi được hỏi.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Số tiến trình phục vụ.")] = 1,
    hostname: Annotated[str | None, typer.Option(
        "--hostname", help="Tên máy chủ (hoặc tên:cổng) trong manifest, khi Excel gọi thẳng máy chủ này.")] = None,
    public_url: Annotated[str | None, typer.Option(
        "--public-url", envvar="EGOV_PUBLIC_URL",
        help="Địa chỉ sau proxy: https://tên, https://tên:cổng hoặc https://tên:cổng/tiền-tố.")] = None,
    allow_anonymous: Annotated[bool, typer.Option("--allow-anonymous",
                                                  help="Cho phép nghe trên địa chỉ ngoài máy này mà không xác thực.")] = False,
    url: UrlOption = None,
    project: Annotated[Path | None, typer.Option(
        "--project", help="Thư mục dự án xlwings Server (mặc định: phần bổ trợ cài cùng gói).")] = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Chạy máy chủ phần bổ trợ Excel (xlwings Server) với kho lưu trữ SQLite hoặc PostgreSQL."""
    import os

    import uvicorn

    from ..server import launch
    from ..settings import Settings
    from .token import token_call

    catalogue = catalogue_for(lang)
    settings = Settings.from_env(archive_url=url, lang=lang.value,
                                 public_url=_public_url(catalogue, public_url, hostname, port))
    project = _addin(catalogue, project)
    exposure = launch.exposure(host, settings.auth_enabled, allow_anonymous)
    if exposure is launch.Exposure.REFUSE:
        raise fail(catalogue, "serve_anonymous_refused", host=host)
    if exposure is launch.Exposure.WARN:
        error(catalogue.text("serve_anonymous_warning", host=host))
    if settings.auth_enabled:
        from ..server.tokens import convert_clear_text, entries

        if converted := token_call(catalogue, convert_clear_text, settings.tokens_file):  # 0.1.0's file
            error(catalogue.text("tokens_converted", path=settings.tokens_file, count=converted))
        token_call(catalogue, entries, settings.tokens_file)
    archive = open_archive(settings.archive_url, catalogue)
    archive_call(catalogue, archive.init)
    # uvicorn starts each worker afresh: the one place settings travel to them is the environment
    os.environ.update(settings.to_env(project))
    ssl = {}
    scheme = "http"
    project_dir = Path(os.environ["XLWINGS_PROJECT_DIR"])
    if https:
        _refuse_served_secret(catalogue, [key or cert], project_dir)  # before a key is read (a PEM may hold one)
        tls = _tls(catalogue, cert, key, settings, host)
        ssl, key, scheme = tls.uvicorn(), tls.key, "https"
    _refuse_served_secret(catalogue, [key, settings.tokens_file], project_dir)
    base = _base_url(settings, scheme, host, port)
    out().print(catalogue.text("serve_ready", manifest=f"{base}/manifest.xml", console=f"{base}/bao-cao",
                               archive=archive.url, licence=os.environ["XLWINGS_LICENSE_KEY"]), highlight=False)
    from ..server import connections

    connections.raise_open_files()  # inherited by the workers
    uvicorn.run("egov_xl.server.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", timeout_graceful_shutdown=SHUTDOWN_GRACE_S, **ssl,
                **connections.uvicorn_options(settings.limits), **_logging())


def _refuse_served_secret(catalogue, paths: list[Path | None], project_dir: Path) -> None:
    from ..server import launch

    leak = launch.served_secret(paths, project_dir)
    if leak is not None:
        raise fail(catalogue, "serve_secret_served", path=leak[0], folder=leak[1])


def _tls(catalogue, cert: Path | None, key: Path | None, settings, host: str):
    """The certificate uvicorn serves: the organisation's (--cert [--key]), or the self-signed
    localhost one, with a warning when other computers can reach this server."""
    import sys

    from ..server.certs import Tls, dev_certificate, organisation_tls
    from ..server.launch import loopback

    if cert is None and key is None:
        if not loopback(host):
            error(catalogue.text("serve_dev_cert_exposed", host=host))
        return Tls(*dev_certificate(settings.private_dir), self_signed=True)

    def ask(path: Path) -> str:
        return typer.prompt(catalogue.text("serve_cert_passphrase_prompt", path=path), hide_input=True)

    return archive_call(catalogue, organisation_tls, cert, key, settings.private_dir, settings.tls_passphrase,
                        ask if sys.stdin.isatty() else None)


def _public_url(catalogue, public_url: str | None, hostname: str | None, port: int):
    """Where Excel reaches this server: --public-url (behind a proxy) or --hostname (directly)."""
    from ..core.errors import UserError
    from ..server import public_url as urls

    try:
        if public_url:
            return urls.parse(public_url)
        return urls.from_hostname(hostname, port) if hostname else None
    except UserError as exc:
        raise fail(catalogue, exc.key, **exc.params) from None


def _addin(catalogue, project: Path | None) -> Path:
    """The add-in folder to serve (--project, else XLWINGS_PROJECT_DIR, else the one installed with
    the package), refused unless it is ours (xlwings Server would otherwise serve its stock
    example add-in without a word)."""
    import os

    from ..server.project import addin_dir, missing_part

    project = Path(project or os.environ.get("XLWINGS_PROJECT_DIR") or addin_dir()).resolve()
    if (part := missing_part(project)) is not None:
        raise fail(catalogue, "serve_not_addin", folder=project, part=part)
    return project


def _base_url(settings, scheme: str, host: str, port: int) -> str:
    """The address the banner shows: the public URL, else this server's own."""
    if settings.public_url is not None:
        return str(settings.public_url)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1") else host
    return f"{scheme}://{shown}:{port}"


def _logging() -> dict:
    """Timestamped lines in every worker, our access line instead of uvicorn's (observe.py)."""
    from ..server.observe import LOG_CONFIG

    return {"log_config": LOG_CONFIG, "access_log": False}
