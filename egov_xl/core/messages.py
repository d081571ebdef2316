"""Message catalogue: rule IDs and text keys → Vietnamese (default) or English sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .amounts import Amount, Reason, Word

if TYPE_CHECKING:  # annotations only: a reader process raising a ReadError needs no findings
    from .findings import Finding, Severity


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(value: Any, lang: str = "vi") -> Any:
    """A parameter as a sentence shows it: text from a file keeps no control character (an ESC
    in a cell would otherwise drive the clerk's terminal: clear it, move up, hide a line); an
    Amount written the reader's way."""
    if isinstance(value, Amount):
        return value.written(lang)
    return _CONTROLS.sub("\ufffd", str(value)) if isinstance(value, (str, PurePath)) else value


class _Keep(dict):
    """Leaves unknown placeholders visible instead of failing a whole report."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Elided(dict):
    """Fills a placeholder whose value was not kept with an ellipsis."""

    def __missing__(self, key: str) -> str:
        return "…"


@dataclass(frozen=True)
class Catalogue:
    lang: str
    rules: dict[str, str]
    words: dict[str, str]
    texts: dict[str, str]
    severities: dict[str, str]

    @classmethod
    def from_data(cls, lang: str, data: dict[str, Any]) -> Catalogue:
        return cls(lang, data["rules"], data["words"], data["text"], data["severity"])

    def message(self, finding: Finding) -> str:
        template = self.rules.get(finding.rule, finding.rule)
        params = {k: self.words.get(v, v) if isinstance(v, Word) else _shown(v, self.lang)
                  for k, v in finding.params.items()}
        return template.format_map(_Keep(params))

    def stored_message(self, entry: dict) -> str:
        """The sentence of a finding kept in an archived revision's summary (rule, code,
        params as `kept_params` wrote them). A revision archived before parameters were kept
        gets the rule's sentence with its code and "…" for the numbers it did not keep."""
        template = self.rules.get(entry.get("rule", ""), entry.get("rule", ""))
        kept = entry.get("params")
        params = {"code": entry.get("code") or "…"}
        if isinstance(kept, dict):
            params.update({k: self.words.get(v["word"], v["word"]) if isinstance(v, dict) and "word" in v
                           else _shown(str(v)) for k, v in kept.items()})
        try:
            return template.format_map(_Elided(params))
        except (ValueError, IndexError):  # a template with a format spec the kept text cannot fill
            return template

    def text(self, key: str, **params: Any) -> str:
        return self.texts[key].format_map(_Keep({k: self._filled(v) for k, v in params.items()}))

    def _filled(self, value: Any) -> Any:
        if isinstance(value, (Word, Reason)):
            key = value.word if isinstance(value, Reason) else value
            return self.words.get(key, _shown(value, self.lang))
        return _shown(value, self.lang)

    def word(self, key: str) -> str:
        return self.words[key]

    def severity(self, severity: Severity) -> str:
        return self.severities[severity.value]


@dataclass(frozen=True)
class RuleBook:
    """Default severity of every rule ID; an edition may override some."""

    defaults: dict[str, Severity]

    def severity(self, rule: str, overrides: dict[str, Severity] | None = None) -> Severity:
        if overrides and rule in overrides:
            return overrides[rule]
        return self.defaults[rule]


def kept_params(params: dict[str, Any]) -> dict[str, Any]:
    """A finding's parameters as a revision's summary keeps them (JSON): text, and catalogue
    words as {"word": key}, so the sentence can be written again in either language."""
    return {k: {"word": str(v)} if isinstance(v, Word) else str(v) for k, v in params.items()}
