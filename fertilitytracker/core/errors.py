"""The one error type for refused input: it names the field and the reason, as data."""

from __future__ import annotations


class InputError(ValueError):
    """Input refused before anything is written.

    `field` names what was wrong ("unit", "value", "line 3"), `analyte` the result it belongs
    to when there is one ("estradiol"), and `reason` says why. `inner_field` keeps the field of
    an error re-raised for a place in a file ("line 3" about a "value"). Callers read these
    attributes; none parses the message back.
    """

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        analyte: str | None = None,
        inner_field: str | None = None,
    ) -> None:
        self.field = field
        self.reason = reason
        self.analyte = analyte
        self.inner_field = inner_field
        super().__init__(f"{self.where}: {reason}")

    @property
    def where(self) -> str:
        """The field as a person reads it: "estradiol unit", "value", "line 3"."""
        if self.analyte and self.inner_field is None:
            return f"{self.analyte} {self.field}"
        return self.field

    def about(self, analyte: str) -> InputError:
        """The same refusal, said of the result of `analyte` (kept when it names one already)."""
        if self.analyte is not None:
            return self
        return InputError(self.field, self.reason, analyte=analyte, inner_field=self.inner_field)
