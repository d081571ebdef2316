"""What a user did wrong, as data: a catalogue key and its parameters.

Every failure a clerk or an administrator can act on (a file that cannot be read, an archive
that cannot be reached, a period that names nothing) is a UserError. An entry point renders
it with `catalogue.text(error.key, **error.params)`: one sentence, never a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure to report to the user; `key` names the catalogue text, `params` fill it."""

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}")

    def render(self, catalogue) -> str:
        """The sentence for the user, in the catalogue's language."""
        return catalogue.text(self.key, **self.params)
