"""The validation stamp: which values were checked, with which rules, with what result.

A stamp is written into a workbook after a check (as custom document properties: invisible
on paper) and read back later to tell whether the workbook still holds the values that were
checked. It is a checksum, not a signature: anyone can recompute it, so it tells "changed
since the check" apart from "as checked", not who checked.

The values hash (`values_hash`) is the one definition of "the values checked":

    sha256 of the UTF-8 JSON  {"edition": EDITION_ID, "values": [[CODE, VALUE], ...]}
    written with no spaces (separators "," and ":"), non-ASCII characters as themselves,
    the pairs sorted by code as plain strings, where VALUE is `canonical_value(reading)`:
      - a value read as a number: the exact decimal, plain notation, no trailing zeros,
        "." as decimal point ("8334", "98.64", "-0.5"), preceded by its bound sign when typed
        as a bound (">84" for "trên 84%");
      - otherwise the text as typed, trimmed, in Unicode NFC ("" for a blank cell).

Because it is built from readings, not cells, the same values read from .xlsx, from a CSV or
sent by Excel give the same hash: "8.334" typed as text and 8334 typed as a number are one
value; 98,64% typed as text and 0.9864 formatted as a percentage are one value.

Nothing here reads files or clocks: the caller passes the time, the rules version and the
package version (egov_xl/flows/stamp.py does).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .findings import FormReport
from .numbers import Reading
from .report import Report

FORMAT = "1"  # the stamp's own layout version
PREFIX = "EgovXL."  # every property of the stamp starts with this
PROPERTY_LIMIT = 255  # Excel keeps at most 255 characters in a custom property's value
SHORT_VALUE = 24  # longer stamped values are kept as a digest only
DIGEST_MARK = "#"
_SEPARATOR = ";"


def canonical_value(reading: Reading) -> str:
    """One value as the hash sees it (see the module's documentation)."""
    if reading.number is not None:
        return (reading.bound or "") + decimal_text(reading.number)
    if reading.raw is None:
        return ""
    return unicodedata.normalize("NFC", str(reading.raw).strip())


def decimal_text(number: Decimal) -> str:
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def canonical_values(report: Report) -> dict[str, str]:
    """Code → canonical value, sorted by code."""
    return {code: canonical_value(report.values[code].reading) for code in sorted(report.values)}


def values_hash(report: Report) -> str:
    """The hash of a report's values (see the module's documentation): "sha256:<64 hex>"."""
    payload = {"edition": report.edition_id, "values": [[c, v] for c, v in canonical_values(report).items()]}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def scope_digest(scope: Mapping[str, int]) -> str:
    """A short digest of the rules that ran and their versions."""
    text = "\n".join(f"{rule}:{version}" for rule, version in sorted(scope.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def kept_value(value: str) -> str:
    """A value as the stamp keeps it: itself when short and plain, else a digest of it."""
    plain = len(value) <= SHORT_VALUE and _SEPARATOR not in value and not value.startswith(DIGEST_MARK) \
        and value.isprintable()
    return value if plain else DIGEST_MARK + hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Stamp:
    edition: str
    sheet: str
    rules_version: str
    scope_digest: str
    rule_count: int
    errors: int
    warnings: int
    infos: int
    values_hash: str
    checked_at: str  # ISO 8601, UTC, to the second
    version: str  # egov-xl's version
    values: dict[str, str] = field(default_factory=dict)  # code → kept_value, sorted by code


class StampError(ValueError):
    """The properties hold a stamp that cannot be read (damaged, or of an unknown layout)."""


def make_stamp(report: Report, checked: FormReport, *, rules_version: str, version: str, checked_at: str) -> Stamp:
    """The stamp of one checked form: `report` its values, `checked` its findings and scope."""
    counts = checked.summary
    return Stamp(
        edition=report.edition_id, sheet=checked.sheet or "", rules_version=rules_version,
        scope_digest=scope_digest(checked.scope), rule_count=len(checked.scope),
        errors=counts.errors, warnings=counts.warnings, infos=counts.infos, values_hash=values_hash(report), checked_at=checked_at,
        version=version, values={code: kept_value(v) for code, v in canonical_values(report).items()},
    )


# as custom document properties ------------------------------------------------------------------

_FIELDS = {  # property name (after PREFIX) → Stamp field
    "Edition": "edition", "Sheet": "sheet", "RulesVersion": "rules_version", "ScopeDigest": "scope_digest",
    "RuleCount": "rule_count", "Errors": "errors", "Warnings": "warnings", "Infos": "infos",
    "ValuesHash": "values_hash", "CheckedAt": "checked_at", "Version": "version",
}
_INTEGERS = {"rule_count", "errors", "warnings", "infos"}


def to_properties(stamp: Stamp) -> dict[str, str]:
    """The stamp as custom document properties: name → text, each text within PROPERTY_LIMIT;
    the per-code values split over EgovXL.Values.1, .2, … ("code=value;code=value")."""
    props = {PREFIX + "Stamp": FORMAT}
    props.update({PREFIX + name: str(getattr(stamp, attr))[:PROPERTY_LIMIT] for name, attr in _FIELDS.items()})
    parts = _split([f"{code}={value}" for code, value in stamp.values.items()])
    props[PREFIX + "ValueParts"] = str(len(parts))
    props.update({f"{PREFIX}Values.{i}": part for i, part in enumerate(parts, start=1)})
    return props


def _split(entries: list[str]) -> list[str]:
    parts: list[str] = []
    current = ""
    for entry in entries:
        entry = entry[:PROPERTY_LIMIT]
        joined = f"{current}{_SEPARATOR}{entry}" if current else entry
        if len(joined) > PROPERTY_LIMIT:
            parts.append(current)
            joined = entry
        current = joined
    if current:
        parts.append(current)
    return parts


def from_properties(props: Mapping[str, str]) -> Stamp | None:
    """The stamp in a workbook's custom properties; None when there is none; StampError when
    it is damaged (a part missing, a count not a number) or of a layout this version does not read."""
    layout = props.get(PREFIX + "Stamp")
    if layout is None:
        return None
    if str(layout).strip() != FORMAT:
        raise StampError(f"layout {layout}")
    try:
        fields = {attr: str(props[PREFIX + name]) for name, attr in _FIELDS.items()}
        for attr in _INTEGERS:
            fields[attr] = int(fields[attr])
        count = int(props[PREFIX + "ValueParts"])
        text = _SEPARATOR.join(str(props[f"{PREFIX}Values.{i}"]) for i in range(1, count + 1))
    except (KeyError, ValueError) as exc:
        raise StampError(str(exc)) from None
    values = {}
    for entry in filter(None, text.split(_SEPARATOR)):
        code, equals, value = entry.partition("=")
        if not equals:
            raise StampError(entry)
        values[code] = value
    return Stamp(**fields, values=values)


# verification ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One indicator whose value differs from the stamped one. `before`/`after` are canonical
    values; None when the indicator was (is) not on the form; `before` is a digest
    (DIGEST_MARK…) when the stamp kept only that."""

    code: str
    before: str | None
    after: str | None

    @property
    def before_known(self) -> bool:
        return self.before is None or not self.before.startswith(DIGEST_MARK)


def changes(stamp: Stamp, report: Report) -> list[Change]:
    """The indicators whose current value is not the stamped one ([] when the values hash
    matches). When the edition changed and no single value did, the answer names no code
    but is not empty: one Change with code "" (the form itself)."""
    if values_hash(report) == stamp.values_hash:
        return []
    now = canonical_values(report)
    found = []
    for code in sorted(set(now) | set(stamp.values)):
        before, after = stamp.values.get(code), now.get(code)
        if before is not None and after is not None and kept_value(after) == before:
            continue
        found.append(Change(code, before, after))
    return found or [Change("", stamp.edition, report.edition_id)]
