"""Clinical settings kept in the journal, each declared once with its default and help text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import PATIENT_NAME_MAX, check_text
from fertilitytracker.core.records import UnitSystem
from fertilitytracker.storage.journal import Journal

if TYPE_CHECKING:  # the rules are read only with the offsets: `labs` and most others need none
    from fertilitytracker.core.monitoring import RuleOffsets


@dataclass(frozen=True)
class Setting:
    """One journal setting: key, default, allowed values (None: free text) and help."""

    key: str
    default: Any
    choices: tuple[Any, ...] | None
    help: str


SETTINGS: dict[str, Setting] = {
    setting.key: setting
    for setting in (
        Setting("unit_system", "us", ("us", "si"), "Units for display: US (ng/dL) or SI (nmol/L)"),
        Setting("who_edition", "2021", ("2021", "2010"), "WHO edition of semen lower limits"),
        Setting("patient_name", "", None, "Name printed on the report (optional)"),
        Setting("patient_birth_date", "", None, "Date of birth printed on the report (optional)"),
        Setting("rule_offsets", {}, None, "Monitoring rule offsets that override the defaults"),
        Setting(
            "exchange_fhir_sources",
            {},
            None,
            "Which stored result each imported FHIR Observation id became (so an amended"
            " result replaces it); kept by the importer, not shown in Settings",
        ),
        Setting(
            "missed_confirmed",
            {},
            None,
            "Days whose doses the person confirmed as missed, per regimen id (so Today stops"
            " asking about them); kept by the dose history, not shown in Settings",
        ),
    )
}


# Free-text settings and their length limits (core/limits.py).
TEXT_LIMITS = {"patient_name": PATIENT_NAME_MAX, "patient_birth_date": 10}


def get_setting(journal: Journal, key: str) -> Any:
    """The value of `key`, or its declared default."""
    setting = SETTINGS[key]
    return journal.settings.get(key, setting.default)


def set_setting(journal: Journal, key: str, value: Any) -> None:
    """Store `key` (one transaction), refusing a value outside its choices."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise InputError("setting", f"unknown setting '{key}'")
    if setting.choices is not None and value not in setting.choices:
        allowed = ", ".join(str(choice) for choice in setting.choices)
        raise InputError(key, f"'{value}' is not one of {allowed}")
    if key in TEXT_LIMITS:
        if not isinstance(value, str):
            raise InputError(key, "must be text")
        check_text(value, key, TEXT_LIMITS[key])
    with journal.transaction():
        journal.settings.set(key, value)


def unit_system(journal: Journal) -> UnitSystem:
    """The unit system chosen for display (us or si)."""
    value = get_setting(journal, "unit_system")
    return "si" if value == "si" else "us"


def who_edition(journal: Journal) -> str:
    """The WHO edition whose semen lower limits apply."""
    return str(get_setting(journal, "who_edition"))


@dataclass(frozen=True)
class StoredOffsets:
    """The monitoring rule offsets read from the journal (docs/clinical.md §6), parsed once.

    `in_force` are the offsets to use: the stored overrides on the defaults, or the defaults
    alone when the stored ones are refused (`refused` says why, naming the offset), so a bad
    stored value never hides every reminder. `stored` is the table as kept in the journal.
    """

    in_force: RuleOffsets
    stored: dict[str, Any] = field(default_factory=dict)
    refused: InputError | None = None

    @property
    def overridden(self) -> bool:
        """Whether the journal holds the user's own offsets (else the defaults apply)."""
        return bool(self.stored)


def rule_offsets_setting(journal: Journal) -> StoredOffsets:
    """The setting "rule_offsets", validated on read: every reader goes through here."""
    from fertilitytracker.core.monitoring import default_offsets, offsets_with

    stored = get_setting(journal, "rule_offsets") or {}
    if not isinstance(stored, Mapping):
        refused = InputError(
            "rule_offsets", "the stored rule offsets are not a table of day counts"
        )
        return StoredOffsets(default_offsets(), {}, refused)
    try:
        return StoredOffsets(offsets_with(stored), dict(stored))
    except InputError as error:
        return StoredOffsets(default_offsets(), dict(stored), error)
