"""The patient's name and date of birth printed on the report (the same settings as Settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date
from fertilitytracker.services.settings import get_setting
from fertilitytracker.storage.journal import Journal

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Profile:
    """The name and ISO date of birth ("" when not set)."""

    name: str
    birth_date: str

    def age_on(self, day: date) -> int | None:
        """Whole years on `day`, or None without a date of birth."""
        if not self.birth_date:
            return None
        born = date.fromisoformat(self.birth_date)
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def get_profile(journal: Journal) -> Profile:
    """The profile kept in the journal."""
    return Profile(
        name=str(get_setting(journal, "patient_name") or ""),
        birth_date=str(get_setting(journal, "patient_birth_date") or ""),
    )


def set_profile(
    journal: Journal, *, today: date, name: str | None = None, birth_date: str | None = None
) -> Profile:
    """Store the name and/or date of birth ("" clears one); both checked before either is written.

    Raises InputError ("name" or "birth-date") for a refused value; nothing is written then.
    """
    clean_name = None
    if name is not None:
        clean_name = " ".join(name.split())
        if len(clean_name) > MAX_NAME_LENGTH:
            raise InputError("name", f"is longer than {MAX_NAME_LENGTH} characters")
        if any(not ch.isprintable() for ch in clean_name):
            raise InputError("name", "holds a control character")
    clean_birth = None
    if birth_date is not None:
        clean_birth = birth_date.strip()
        if clean_birth:
            born = parse_date(clean_birth, "birth-date")
            if born > today:
                raise InputError("birth-date", f"{born.isoformat()} is in the future")
            clean_birth = born.isoformat()
    with journal.transaction():
        if clean_name is not None:
            journal.settings.set("patient_name", clean_name)
        if clean_birth is not None:
            journal.settings.set("patient_birth_date", clean_birth)
    return get_profile(journal)
