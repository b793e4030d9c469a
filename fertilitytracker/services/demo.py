"""A realistic six-month demo course, ending on `today`, for first runs and screenshots.

The story: low testosterone with a low T/E ratio; anastrozole started, estradiol then
over-suppressed so the dose is lowered; clomiphene added; testosterone and semen improve.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fertilitytracker.core.adherence import expected_slots
from fertilitytracker.core.medications import lookup_medication
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.validation import build_dose
from fertilitytracker.services.operations import (
    Change,
    ResultInput,
    build_semen,
    change_regimen,
    record_dexa,
    record_draw,
    record_semen,
    record_symptom,
    start_regimen,
)
from fertilitytracker.storage.journal import Journal

# The course's blood draws: the results as printed, by days before today.
DRAWS_RESOURCE = "demo_course.json"
_SYMPTOMS = ("libido", "erectile function", "fatigue", "mood", "joint pain")


def fill_demo(journal: Journal, today: date) -> Change:
    """Write the demo course into `journal` (one transaction) ending on `today`."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    with journal.transaction():
        for draw in load_json(DRAWS_RESOURCE)["draws"]:
            entries = [ResultInput(*result) for result in draw["results"]]
            record_draw(journal, ago(draw["days_before"]), entries, time(8, 15))
        record_semen(journal, build_semen(ago(180), "2.4", "7.5", "34", "21", "3", "3"))
        record_semen(journal, build_semen(ago(20), "3.1", "19", "48", "36", "4", "3"))
        record_dexa(journal, ago(176), "-0.6", "spine", "1.02")
        start_regimen(journal, "Arimidex", "1", "mg", "eod", ago(175), time(8, 0))
        change_regimen(journal, "anastrozole", ago(118), dose="0.5")
        start_regimen(journal, "clomiphene", "25", "mg", "eod", ago(88), time(20, 0))
        _log_doses(journal, today)
        for index, days in enumerate(range(182, 0, -14)):
            progress = (182 - days) / 182
            scores = {
                "libido": round(7 - 4 * progress),
                "erectile function": round(6 - 3 * progress),
                "fatigue": round(6 - 3 * progress),
                "mood": round(5 - 2 * progress),
                "joint pain": 4 if 118 < days < 140 else 1,
            }
            for name in _SYMPTOMS:
                note = (
                    "joints ache, E2 was low" if name == "joint pain" and scores[name] > 2 else None
                )
                record_symptom(journal, ago(days), name, scores[name], note if index else None)
    return Change(
        frozenset({"regimens", "doses", "labs", "semen", "dexa", "symptoms"}),
        f"demo course of six months up to {today.isoformat()} written",
    )


def _log_doses(journal: Journal, today: date) -> None:
    """Every scheduled dose up to yesterday, with a few missed and one skipped."""
    for regimen in journal.regimens.all():
        assert regimen.id is not None
        medication = lookup_medication(regimen.name)
        slot = 0
        for day, count in expected_slots(regimen, today - timedelta(days=1)):
            step = regimen.step_on(day)
            assert step is not None
            for _ in range(count):
                slot += 1
                if slot % 19 == 0:
                    continue  # forgotten: becomes a missed dose
                skipped = slot == 40
                at = datetime.combine(day, regimen.time_of_day or time(8, 0))
                journal.doses.add(
                    build_dose(
                        regimen,
                        medication,
                        at + timedelta(minutes=slot % 25),
                        "skipped" if skipped else "taken",
                    )
                )
