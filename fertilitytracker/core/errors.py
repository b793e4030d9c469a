"""The one error type for refused input: it names the field and the reason."""

from __future__ import annotations


class InputError(ValueError):
    """Input refused before anything is written; `field` names what was wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
