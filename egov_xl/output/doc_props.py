"""Custom document properties of an .xlsx/.xlsm package (docProps/custom.xml, ECMA-376
Part 1 §22.3), read and written without opening the workbook.

Writing copies the package part by part, byte for byte, and changes only three parts: the
custom properties, and, when the package had none, the relationship to them (_rels/.rels)
and their content type ([Content_Types].xml). openpyxl would rewrite every part and drop
what it does not model (charts' formatting, pivot caches, images in some layouts, VBA in
.xlsm unless asked); a copy of the parts keeps all of it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from xml.etree import ElementTree

from .files import write_file

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id custom properties use
DEFAULT_PART = "docProps/custom.xml"
MAX_PART = 1 << 20  # a custom-properties part larger than 1 MiB is not read
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PropsError(ValueError):
    """The package's custom properties cannot be read (damaged XML, an oversized part)."""


def read_properties(path: str | Path) -> dict[str, str]:
    """Name → text of every custom property ({} when there are none). Raises
    zipfile.BadZipFile/OSError for a file that is not a package, PropsError for damaged props."""
    with zipfile.ZipFile(path) as package:
        part = _custom_part(package)
        if part is None or part not in package.namelist():
            return {}
        if package.getinfo(part).file_size > MAX_PART:
            raise PropsError(f"{part}: larger than {MAX_PART} bytes")
        try:
            root = ElementTree.fromstring(package.read(part))
        except ElementTree.ParseError as exc:
            raise PropsError(f"{part}: {exc}") from None
    return {item.get("name", ""): "".join(child.text or "" for child in item)
            for item in root.iter(f"{{{CUSTOM_NS}}}property") if item.get("name")}


def write_properties(source: Path, target: Path, props: Mapping[str, str], replace: Callable[[str], bool],
                     *, overwrite: bool = True) -> Path:
    """A copy of the package `source` at `target` whose custom properties are those of the
    source for which `replace(name)` is false, then `props` (all as text). Never over
    `source` (output/files.py)."""
    return write_file(target, lambda temporary: _copy(source, temporary, props, replace),
                      inputs=[source], overwrite=overwrite)


def _copy(source: Path, target: Path, props: Mapping[str, str], replace: Callable[[str], bool]) -> None:
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        named = _custom_part(package)
        part = named or DEFAULT_PART
        existing = package.read(part) if part in package.namelist() else None
        for info in package.infolist():
            data = package.read(info)
            if info.filename == part:
                continue
            if named is None and info.filename == "_rels/.rels":
                data = _insert(data, b"</Relationships>", _relationship(package).encode())
            elif info.filename == "[Content_Types].xml" and not _has_override(data, part):
                data = _insert(data, b"</Types>",
                               f'<Override PartName="/{part}" ContentType="{CUSTOM_TYPE}"/>'.encode())
            out.writestr(info, data, compress_type=info.compress_type)
        out.writestr(part, _custom_xml(existing, props, replace))


def _custom_part(package: zipfile.ZipFile) -> str | None:
    """The custom-properties part the package relationships name, if any."""
    if "_rels/.rels" not in package.namelist():
        return None
    root = ElementTree.fromstring(package.read("_rels/.rels"))
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type") == CUSTOM_REL and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", DEFAULT_PART).lstrip("/"))
    return None


def _relationship(package: zipfile.ZipFile) -> str:
    root = ElementTree.fromstring(package.read("_rels/.rels"))
    ids = {rel.get("Id") for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship")}
    number = 1
    while f"rIdEgov{number}" in ids:
        number += 1
    return f'<Relationship Id="rIdEgov{number}" Type="{CUSTOM_REL}" Target="{DEFAULT_PART}"/>'


def _has_override(data: bytes, part: str) -> bool:
    root = ElementTree.fromstring(data)
    return any(item.get("PartName", "").lstrip("/") == part for item in root)


def _insert(data: bytes, closing: bytes, element: bytes) -> bytes:
    at = data.rindex(closing)
    return data[:at] + element + data[at:]


def _custom_xml(existing: bytes | None, props: Mapping[str, str], replace: Callable[[str], bool]) -> bytes:
    """The custom-properties part: the kept properties of `existing`, then `props`."""
    from xml.sax.saxutils import quoteattr  # on writing only: it imports urllib.request (~25 ms)

    kept: list[bytes] = []
    if existing:
        try:
            root = ElementTree.fromstring(existing)
        except ElementTree.ParseError:
            root = None
        for item in root.iter(f"{{{CUSTOM_NS}}}property") if root is not None else ():
            if item.get("name") and not replace(item.get("name")) and item.get("name") not in props:
                kept.append(ElementTree.tostring(item, encoding="utf-8", xml_declaration=False))
    lines = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
             f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">'.encode()]
    pid = 2  # 0 and 1 are reserved
    for element in kept:
        lines.append(_renumbered(element, pid))
        pid += 1
    for name, value in props.items():
        lines.append(f'<property fmtid="{FMTID}" pid="{pid}" name={quoteattr(_CONTROL.sub("", name))}>'
                     f"<vt:lpwstr>{_text(value)}</vt:lpwstr></property>".encode())
        pid += 1
    lines.append(b"</Properties>")
    return b"".join(lines)


def _renumbered(element: bytes, pid: int) -> bytes:
    item = ElementTree.fromstring(element)
    item.set("pid", str(pid))
    return ElementTree.tostring(item, encoding="utf-8", xml_declaration=False)


def _text(value: object) -> str:
    """Text as XML character data (characters XML 1.0 cannot hold are left out)."""
    from xml.sax.saxutils import escape

    return escape(_CONTROL.sub("", str(value)))
