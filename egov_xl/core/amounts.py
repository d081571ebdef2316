"""The parameters a sentence writes its own way: catalogue words, quantities (a limit, a count
of cells, a size) and a reader's reasons. Kept apart from the catalogue (core.messages) so that
a reader process, which makes them only when it refuses a file, starts without the catalogue."""

from __future__ import annotations

from decimal import Decimal

from .tolerance import display


class Word(str):
    """A parameter that names a catalogue word ("zero", "blank"), filled in the reader's language."""


class Amount(Decimal):
    """A quantity (a limit, a count of cells, a size) that a sentence writes the reader's way:
    5.000 and 15,5 in Vietnamese, 5,000 and 15.5 in English. Made where the sentence's
    parameters are (a reader process, a limit check), written when the sentence is."""

    unit = ""

    def written(self, lang: str) -> str:
        value = Decimal(self)
        if lang == "vi":
            text = display(value)
        else:
            text = f"{value.quantize(Decimal(1)) if value == value.to_integral_value() else value:,}"
        return f"{text} {self.unit}" if self.unit else text


class MiB(Amount):
    """A size in mebibytes, written with its unit."""

    unit = "MiB"


def mib(size: int) -> MiB:
    """`size` bytes in MiB to one decimal."""
    return MiB(round(Decimal(size) / (1024 * 1024), 1))


class Reason(str):
    """A reader's own (English) words for why it could not read a file, as the log keeps them;
    a sentence shows instead the catalogue word `word` they were recognised as."""

    word: str

    def __new__(cls, text: str, word: str) -> Reason:
        made = super().__new__(cls, text)
        made.word = word
        return made

    def __reduce__(self):  # crosses from the reader process with its word
        return Reason, (str(self), self.word)
