"""The hash chain that seals every revision, and its verification.

Each revision gets a row of `revision_seals`:

- `values_hash`: SHA-256 of its values (code, exact decimal text, decimals, text as typed,
  printed unit), sorted by code;
- `body_hash`: SHA-256 of everything else it records (edition, unit code, period key, who,
  when, file name and SHA-256, rules version, summary, forced reason, accepted warnings) and
  `values_hash`;
- `previous_hash`: the `record_hash` of the previous revision of the same unit and period
  (64 zeros for revision 1);
- `record_hash` = SHA-256 of "previous_hash:revision:body_hash", the link of the chain.

The canonical form is compact JSON with sorted keys (UTF-8), numbers as the stored decimal
text and times as UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ", so SQLite and PostgreSQL give the same
hashes. On PostgreSQL the link is computed by `egov_archive_put` (migration 0002) with the same
formula. `verify` recomputes every chain and returns the first broken link.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from . import models
from ..core.periods import PeriodError, parse_period

GENESIS = "0" * 64
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Seal:
    previous_hash: str
    values_hash: str
    body_hash: str
    record_hash: str


def _digest(document: object) -> str:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def number_text(number: Decimal | None) -> str | None:
    """The exact decimal text the archive stores for a number (and hashes)."""
    return None if number is None else str(number)


def time_text(moment: datetime) -> str:
    """UTC with microseconds; SQLite hands back the stored UTC time without its zone."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def values_hash(values: Iterable[tuple]) -> str:
    """`values`: (code, number text, decimals, typed, printed unit) per indicator."""
    return _digest(sorted((list(v) for v in values), key=lambda v: v[0]))


def body_hash(*, edition: str, unit: str, period: str, archived_by: str, archived_at: datetime,
              source_name: str, content_hash: str, rules_version: str, summary: dict,
              forced_reason: str | None, warnings: Iterable[tuple], values: str) -> str:
    """`warnings`: (rule, code, reason) per accepted warning; `values`: the values_hash."""
    return _digest({
        "format": FORMAT, "edition": edition, "unit": unit, "period": period, "archived_by": archived_by,
        "archived_at": time_text(archived_at), "source_name": source_name, "content_hash": content_hash,
        "rules_version": rules_version, "summary": summary, "forced_reason": forced_reason,
        "warnings": sorted((list(w) for w in warnings), key=lambda w: (w[0], w[1] or "", w[2])),
        "values": values,
    })


def link_hash(previous: str, revision: int, body: str) -> str:
    return hashlib.sha256(f"{previous}:{revision}:{body}".encode()).hexdigest()


def seal(previous: str, revision: int, values: str, body: str) -> Seal:
    return Seal(previous, values, body, link_hash(previous, revision, body))


# reading every revision back -------------------------------------------------------------------

@dataclass(slots=True)
class Revision:
    """One stored revision as read back, with its hashes recomputed from the stored rows."""

    submission_id: int
    unit_id: int
    period_id: int
    revision: int
    values_hash: str
    body_hash: str
    stored: Seal | None


_S, _V, _A, _H, _R = models.Submission, models.Value, models.AcceptedWarning, models.ReportHead, models.RevisionSeal


def _values_by_submission(conn: Connection) -> dict[int, str]:
    rows = defaultdict(list)
    query = select(_V.submission_id, _V.code, _V.number, _V.decimals, _V.typed, _V.unit)
    for sid, *value in conn.execute(query.execution_options(yield_per=5000)):
        rows[sid].append(value)
    return {sid: values_hash(values) for sid, values in rows.items()}


def _warnings_by_submission(conn: Connection) -> dict[int, list]:
    rows = defaultdict(list)
    for sid, *warning in conn.execute(select(_A.submission_id, _A.rule, _A.code, _A.reason)):
        rows[sid].append(warning)
    return rows


def names(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    """Unit codes and period keys by id."""
    units = dict(conn.execute(select(models.Unit.id, models.Unit.code)).all())
    periods = dict(conn.execute(select(models.Period.id, models.Period.key)).all())
    return units, periods


def revisions(conn: Connection, units: dict[int, str], periods: dict[int, str]) -> list[Revision]:
    """Every revision in chain order (unit id, period id, revision), hashes recomputed."""
    values = _values_by_submission(conn)
    warnings = _warnings_by_submission(conn)
    empty = values_hash([])
    query = (select(_S.id, _S.unit_id, _S.period_id, _S.revision, _S.edition_id, _S.archived_by, _S.archived_at,
                    _S.source_name, _S.content_hash, _S.rules_version, _S.summary, _S.forced_reason,
                    _R.previous_hash, _R.values_hash, _R.body_hash, _R.record_hash)
             .outerjoin(_R, _R.submission_id == _S.id).order_by(_S.unit_id, _S.period_id, _S.revision))
    found = []
    for row in conn.execute(query):
        vh = values.get(row.id, empty)
        body = body_hash(edition=row.edition_id, unit=units.get(row.unit_id, ""), period=periods.get(row.period_id, ""),
                         archived_by=row.archived_by, archived_at=row.archived_at, source_name=row.source_name,
                         content_hash=row.content_hash, rules_version=row.rules_version, summary=row.summary,
                         forced_reason=row.forced_reason, warnings=warnings.get(row.id, ()), values=vh)
        stored = None if row.record_hash is None else Seal(row.previous_hash, row[13], row[14], row.record_hash)
        found.append(Revision(row.id, row.unit_id, row.period_id, row.revision, vh, body, stored))
    return found


def seal_unsealed(conn: Connection) -> int:
    """Seal the revisions stored before the chain existed (migration 0002), in chain order."""
    units, periods = names(conn)
    last: dict[tuple[int, int], Seal] = {}
    new = []
    for rev in revisions(conn, units, periods):
        key = (rev.unit_id, rev.period_id)
        previous = last[key].record_hash if key in last else GENESIS
        last[key] = rev.stored or seal(previous, rev.revision, rev.values_hash, rev.body_hash)
        if rev.stored is None:
            new.append({"submission_id": rev.submission_id, "previous_hash": previous,
                        "values_hash": rev.values_hash, "body_hash": rev.body_hash,
                        "record_hash": last[key].record_hash})
    if new:
        conn.execute(models.revision_seals.insert(), new)
    return len(new)


# verifying -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Break:
    """The first broken link: `what` names a catalogue sentence (archive_broken_*)."""

    unit: str
    period: str  # its label ("Quý I năm 2025"), or the stored key when it no longer parses
    revision: int
    what: str
    params: dict


@dataclass(frozen=True, slots=True)
class Verdict:
    revisions: int
    chains: int
    fingerprint: str  # SHA-256 over every chain's last record_hash: note it elsewhere
    broken: Break | None


def verify(conn: Connection) -> Verdict:
    units, periods = names(conn)
    chains: dict[tuple[int, int], list[Revision]] = defaultdict(list)
    everything = revisions(conn, units, periods)
    for rev in everything:
        chains[(rev.unit_id, rev.period_id)].append(rev)
    heads = {(u, p): last for u, p, last in conn.execute(select(_H.unit_id, _H.period_id, _H.last_revision))}
    tips = []
    broken = None
    for key in sorted(set(chains) | set(heads)):
        where = (units.get(key[0], f"#{key[0]}"), _label(periods.get(key[1], f"#{key[1]}")))
        found, tip = _check_chain(chains.get(key, []), heads.get(key))
        if found is not None and broken is None:
            broken = Break(*where, *found)
        tips.append(f"{where[0]}|{where[1]}|{tip}")
    fingerprint = hashlib.sha256("\n".join(sorted(tips)).encode()).hexdigest()
    return Verdict(len(everything), len(chains), fingerprint, broken)


def _label(key: str) -> str:
    try:
        return parse_period(key).label
    except PeriodError:
        return key


def _check_chain(chain: list[Revision], head: int | None) -> tuple[tuple | None, str]:
    """(revision, what, params) of the chain's first broken link or None, and its last hash."""
    previous = GENESIS
    for expected, rev in enumerate(chain, start=1):
        problem = _check_link(rev, expected, previous)
        if problem is not None:
            return problem, previous
        previous = rev.stored.record_hash
    stored_last = len(chain)
    if head is None:
        return (stored_last, "archive_broken_no_counter", {}), previous
    if head > stored_last:
        return (stored_last + 1, "archive_broken_missing", {"last": head}), previous
    if head < stored_last:
        return (stored_last, "archive_broken_counter", {"last": head}), previous
    return None, previous


def _check_link(rev: Revision, expected: int, previous: str) -> tuple | None:
    if rev.revision != expected:
        return expected, "archive_broken_missing", {"last": rev.revision}
    seal_ = rev.stored
    if seal_ is None:
        return rev.revision, "archive_broken_unsealed", {}
    if seal_.values_hash != rev.values_hash:
        return rev.revision, "archive_broken_values", {}
    if seal_.body_hash != rev.body_hash:
        return rev.revision, "archive_broken_body", {}
    if seal_.previous_hash != previous or seal_.record_hash != link_hash(previous, rev.revision, rev.body_hash):
        return rev.revision, "archive_broken_link", {}
    return None
