"""Message catalogue: rule IDs and text keys → Vietnamese (default) or English sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .findings import Finding, Severity


class Word(str):
    """A parameter that names a catalogue word ("zero", "blank"), filled in the reader's language."""


class _Keep(dict):
    """Leaves unknown placeholders visible instead of failing a whole report."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


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
        params = {k: self.words.get(v, v) if isinstance(v, Word) else v for k, v in finding.params.items()}
        return template.format_map(_Keep(params))

    def text(self, key: str, **params: Any) -> str:
        return self.texts[key].format_map(_Keep(params))

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
