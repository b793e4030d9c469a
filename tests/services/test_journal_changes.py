"""What a write says it changed: the kinds of record and the dates, for the screens to refresh."""

from __future__ import annotations

from datetime import date, datetime

from fertilitytracker.services.operations import Change, record_symptom, remove, restore
from fertilitytracker.storage.journal import Journal
from tests import builders

DAY = date(2026, 3, 2)


def test_a_draw_names_labs_and_its_date(journal: Journal) -> None:
    change = builders.draw(journal, DAY, ("estradiol", "24", "pg/mL"), at=None)
    assert change.kinds == {"labs"}
    assert change.dates == {DAY}
    assert change.is_bounded
    assert change.touches("labs", "doses")
    assert not change.touches("doses", "symptoms")


def test_a_dose_names_its_day_and_a_symptom_its_date(journal: Journal) -> None:
    builders.regimen(journal, "anastrozole", date(2026, 1, 1), dose="0.5", at=None)
    dose = builders.dose(journal, "anastrozole", datetime(2026, 3, 2, 21, 30))
    assert (dose.kinds, dose.dates) == ({"doses"}, {DAY})
    symptom = record_symptom(journal, DAY, "fatigue", "4")
    assert (symptom.kinds, symptom.dates) == ({"symptoms"}, {DAY})


def test_deleting_a_result_and_undoing_it_name_the_draw_date(journal: Journal) -> None:
    saved = builders.draw(journal, DAY, ("lh", "4", "IU/L"), at=None)
    deleted, removed = remove(journal, "lab_result", saved.ids[0])
    assert (deleted.kinds, deleted.dates) == ({"labs"}, {DAY})
    restored = restore(journal, removed)
    assert (restored.kinds, restored.dates) == ({"labs"}, {DAY})
    assert [draw.date for draw in journal.labs.all()] == [DAY]


def test_deleting_a_regimen_says_its_doses_went_too_on_any_date(journal: Journal) -> None:
    started = builders.regimen(journal, "anastrozole", date(2026, 1, 1), dose="0.5", at=None)
    builders.dose(journal, "anastrozole", datetime(2026, 1, 2, 9, 0))
    deleted, removed = remove(journal, "regimen", started.ids[0])
    assert deleted.kinds == {"regimens", "doses"}
    assert deleted.dates is None and not deleted.is_bounded
    assert journal.doses.all() == []
    restored = restore(journal, removed)
    assert restored.kinds == {"regimens", "doses"}
    assert len(journal.doses.all()) == 1


def test_everything_and_settings_are_never_bounded() -> None:
    everything = Change(frozenset({"all"}), "journal reloaded")
    assert everything.touches("labs") and not everything.is_bounded
    settings = Change(frozenset({"settings"}), "units", dates=frozenset({DAY}))
    assert not settings.is_bounded
