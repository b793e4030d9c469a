"""A realistic six-month demo course, ending on `today`, for first runs and screenshots.

The story: low testosterone with a low T/E ratio; anastrozole started, estradiol then
over-suppressed so the dose is lowered; clomiphene added; testosterone and semen improve.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fertilitytracker.core.adherence import expected_slots
from fertilitytracker.core.medications import lookup_medication
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

# Draws as (days before today, [(analyte, value, unit), ...]); values typical of the story.
_DRAWS: tuple[tuple[int, tuple[tuple[str, str, str], ...]], ...] = (
    (
        182,
        (
            ("total_testosterone", "310", "ng/dL"),
            ("estradiol", "46", "pg/mL"),
            ("lh", "3.1", "IU/L"),
            ("fsh", "4.2", "IU/L"),
            ("shbg", "27", "nmol/L"),
            ("albumin", "4.4", "g/dL"),
            ("prolactin", "9.1", "ng/mL"),
            ("hematocrit", "44", "%"),
            ("total_cholesterol", "186", "mg/dL"),
            ("hdl", "47", "mg/dL"),
            ("ldl", "112", "mg/dL"),
            ("triglycerides", "128", "mg/dL"),
        ),
    ),
    (
        152,
        (
            ("total_testosterone", "505", "ng/dL"),
            ("estradiol", "21", "pg/mL"),
            ("lh", "4.0", "IU/L"),
            ("fsh", "5.0", "IU/L"),
            ("shbg", "26", "nmol/L"),
        ),
    ),
    (
        122,
        (
            ("total_testosterone", "560", "ng/dL"),
            ("estradiol", "<8", "pg/mL"),
            ("lh", "4.4", "IU/L"),
            ("fsh", "5.6", "IU/L"),
        ),
    ),
    (
        92,
        (
            ("total_testosterone", "540", "ng/dL"),
            ("estradiol", "19", "pg/mL"),
            ("lh", "4.3", "IU/L"),
            ("fsh", "5.4", "IU/L"),
            ("shbg", "28", "nmol/L"),
        ),
    ),
    (
        62,
        (
            ("total_testosterone", "24.3", "nmol/L"),
            ("estradiol", "95", "pmol/L"),
            ("lh", "6.6", "mIU/mL"),
            ("fsh", "7.9", "mIU/mL"),
            ("shbg", "29", "nmol/L"),
            ("albumin", "44", "g/L"),
            ("hematocrit", "0.46", "L/L"),
            ("total_cholesterol", "4.9", "mmol/L"),
            ("hdl", "1.2", "mmol/L"),
            ("ldl", "3.0", "mmol/L"),
            ("triglycerides", "1.4", "mmol/L"),
        ),
    ),
    (
        14,
        (
            ("total_testosterone", "712", "ng/dL"),
            ("estradiol", "26", "pg/mL"),
            ("lh", "7.1", "IU/L"),
            ("fsh", "8.3", "IU/L"),
            ("shbg", "30", "nmol/L"),
        ),
    ),
)

_SYMPTOMS = ("libido", "erectile function", "fatigue", "mood", "joint pain")


def fill_demo(journal: Journal, today: date) -> Change:
    """Write the demo course into `journal` (one transaction) ending on `today`."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    with journal.transaction():
        for days, triples in _DRAWS:
            record_draw(
                journal, ago(days), [ResultInput(*triple) for triple in triples], time(8, 15)
            )
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
