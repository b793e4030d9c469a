"""Writes a large, realistic journal for benchmarks: ten years of doses, draws and symptoms.

    python bench/generate_journal.py OUT.sqlite3 [--years 10] [--end 2026-06-01] [--seed 7]

For ten years: about 3,650 dose days, 500 draws, 40 semen analyses, 10 DEXA scans and 3,000
symptom entries, written through the storage repositories in one transaction. The numbers are
random walks inside plausible ranges (seeded, so every run writes the same journal); they are
test data, not a clinical story.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from fertilitytracker.core.adherence import expected_slots
from fertilitytracker.core.records import (
    DexaScan,
    DoseEvent,
    LabResult,
    Regimen,
    RegimenStep,
    SemenAnalysis,
    SymptomEntry,
)
from fertilitytracker.storage.journal import Journal

DAYS_PER_YEAR = 365
DRAWS_PER_YEAR = 50
SEMEN_PER_YEAR = 4
DEXA_PER_YEAR = 1
SYMPTOM_DAYS_PER_YEAR = 60
SYMPTOMS = ("libido", "erectile function", "fatigue", "mood", "joint pain")
DOSE_CHANGE_EVERY_DAYS = 120
MISSED_FRACTION = 0.04
SKIPPED_FRACTION = 0.02
CENSORED_ESTRADIOL_FRACTION = 0.03
DEFAULT_END = date(2026, 6, 1)


@dataclass(frozen=True)
class Walk:
    """A bounded random walk: the next value stays within [low, high]."""

    low: float
    high: float
    step: float

    def next(self, rng: random.Random, value: float) -> float:
        return min(self.high, max(self.low, value + rng.uniform(-self.step, self.step)))


# Canonical units (docs/clinical.md §1): ng/dL, pg/mL, IU/L, IU/L, nmol/L, g/dL, %, mg/dL.
WALKS: dict[str, tuple[float, Walk]] = {
    "total_testosterone": (420.0, Walk(180.0, 1100.0, 60.0)),
    "estradiol": (30.0, Walk(6.0, 70.0, 6.0)),
    "lh": (4.0, Walk(0.8, 14.0, 0.8)),
    "fsh": (5.0, Walk(0.8, 20.0, 0.9)),
    "shbg": (30.0, Walk(12.0, 70.0, 3.0)),
    "albumin": (4.3, Walk(3.4, 5.1, 0.15)),
    "hematocrit": (45.0, Walk(38.0, 55.0, 1.2)),
    "total_cholesterol": (185.0, Walk(130.0, 260.0, 10.0)),
    "hdl": (48.0, Walk(28.0, 75.0, 3.0)),
    "ldl": (110.0, Walk(60.0, 180.0, 8.0)),
    "triglycerides": (130.0, Walk(60.0, 300.0, 15.0)),
}
CORE_PANEL = ("total_testosterone", "estradiol", "lh", "fsh", "shbg")
CANONICAL_UNITS = {
    "total_testosterone": "ng/dL",
    "estradiol": "pg/mL",
    "lh": "IU/L",
    "fsh": "IU/L",
    "shbg": "nmol/L",
    "albumin": "g/dL",
    "hematocrit": "%",
    "total_cholesterol": "mg/dL",
    "hdl": "mg/dL",
    "ldl": "mg/dL",
    "triglycerides": "mg/dL",
}


@dataclass(frozen=True)
class Counts:
    """What the generator wrote."""

    regimens: int
    dose_events: int
    dose_days: int
    draws: int
    results: int
    semen: int
    dexa: int
    symptoms: int


def _regimens(start: date, end: date, rng: random.Random) -> list[Regimen]:
    """Anastrozole throughout (dose changed every few months), clomiphene in three courses."""
    steps: list[RegimenStep] = []
    day, dose = start, 1.0
    while day < end:
        steps.append(RegimenStep(day, dose, "mg", "daily"))
        dose = 0.5 if dose == 1.0 else 1.0
        day += timedelta(days=DOSE_CHANGE_EVERY_DAYS + rng.randint(-20, 20))
    regimens = [Regimen("anastrozole", "aromatase_inhibitor", tuple(steps), None, clock_time(8, 0))]
    span = (end - start).days
    for course in range(3):
        course_start = start + timedelta(days=span * (course * 3 + 1) // 10)
        course_stop = course_start + timedelta(days=span // 10)
        regimens.append(
            Regimen(
                "clomiphene",
                "serm",
                (
                    RegimenStep(course_start, 25.0, "mg", "every 2 days"),
                    RegimenStep(course_start + timedelta(days=60), 50.0, "mg", "every 2 days"),
                ),
                course_stop,
                clock_time(20, 0),
            )
        )
    return regimens


def _write_doses(journal: Journal, regimen: Regimen, end: date, rng: random.Random) -> set[date]:
    assert regimen.id is not None
    days: set[date] = set()
    for day, count in expected_slots(regimen, end):
        step = regimen.step_on(day)
        assert step is not None
        for _ in range(count):
            roll = rng.random()
            if roll < MISSED_FRACTION:
                continue
            skipped = roll < MISSED_FRACTION + SKIPPED_FRACTION
            at = datetime.combine(day, regimen.time_of_day or clock_time(8, 0))
            journal.doses.add(
                DoseEvent(
                    regimen_id=regimen.id,
                    at=at + timedelta(minutes=rng.randint(0, 45)),
                    status="skipped" if skipped else "taken",
                    dose=None if skipped else step.dose,
                    unit=None if skipped else step.unit,
                )
            )
            days.add(day)
    return days


def _draw_results(index: int, values: dict[str, float], rng: random.Random) -> list[LabResult]:
    analytes = list(CORE_PANEL)
    if index % 4 == 0:
        analytes.append("albumin")
    if index % 10 == 0:
        analytes += ["hematocrit", "total_cholesterol", "hdl", "ldl", "triglycerides"]
    results = []
    for analyte in analytes:
        values[analyte] = WALKS[analyte][1].next(rng, values[analyte])
        value = round(values[analyte], 1)
        unit = CANONICAL_UNITS[analyte]
        comparator = None
        if analyte == "estradiol" and rng.random() < CENSORED_ESTRADIOL_FRACTION:
            comparator, value = "<", 5.0  # below the assay's detection limit
        results.append(LabResult(analyte, value, value, unit, comparator))
    return results


def generate(path: Path, years: int = 10, end: date = DEFAULT_END, seed: int = 7) -> Counts:
    """Write the journal at `path` (which must not exist) and say what was written."""
    if path.exists():
        raise FileExistsError(f"{path} exists; give a new file")
    rng = random.Random(seed)
    start = end - timedelta(days=DAYS_PER_YEAR * years)
    journal = Journal.open(path)
    try:
        with journal.transaction():
            regimens = _regimens(start, end, rng)
            dose_days: set[date] = set()
            dose_events = 0
            for regimen in regimens:
                stored = journal.regimens.get(journal.regimens.add(regimen))
                assert stored is not None
                days = _write_doses(journal, stored, end - timedelta(days=1), rng)
                dose_days |= days
            dose_events = journal.db.execute("SELECT count(*) FROM dose_events").fetchone()[0]

            values = {key: initial for key, (initial, _walk) in WALKS.items()}
            draws = DRAWS_PER_YEAR * years
            results = 0
            for index in range(draws):
                day = start + timedelta(days=index * (DAYS_PER_YEAR * years) // draws)
                draw_id = journal.labs.draw_id_for(day, clock_time(8, 15))
                for result in _draw_results(index, values, rng):
                    journal.labs.add_result(draw_id, result)
                    results += 1

            semen = SEMEN_PER_YEAR * years
            for index in range(semen):
                day = start + timedelta(days=index * (DAYS_PER_YEAR * years) // semen + 3)
                concentration = round(rng.uniform(2.0, 45.0), 1)
                total = round(rng.uniform(20.0, 65.0), 0)
                journal.semen.add(
                    SemenAnalysis(
                        day,
                        round(rng.uniform(1.2, 4.5), 1),
                        concentration,
                        total,
                        round(total * rng.uniform(0.55, 0.85), 0),
                        round(rng.uniform(1.0, 9.0), 0),
                        rng.randint(2, 5),
                    )
                )

            dexa = DEXA_PER_YEAR * years
            t_score = -0.4
            for index in range(dexa):
                t_score = max(-3.2, min(1.0, t_score + rng.uniform(-0.35, 0.2)))
                day = start + timedelta(days=index * DAYS_PER_YEAR + 10)
                journal.dexa.add(DexaScan(day, round(t_score, 1), "spine"))

            symptom_days = SYMPTOM_DAYS_PER_YEAR * years
            scores = {name: 5 for name in SYMPTOMS}
            for index in range(symptom_days):
                day = start + timedelta(days=index * (DAYS_PER_YEAR * years) // symptom_days)
                for name in SYMPTOMS:
                    scores[name] = max(0, min(10, scores[name] + rng.randint(-1, 1)))
                    journal.symptoms.add(SymptomEntry(day, name, scores[name]))
    finally:
        journal.close()
    return Counts(
        regimens=len(regimens),
        dose_events=dose_events,
        dose_days=len(dose_days),
        draws=draws,
        results=results,
        semen=semen,
        dexa=dexa,
        symptoms=symptom_days * len(SYMPTOMS),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the journal file to write (must not exist)")
    parser.add_argument("--years", type=int, default=10, help="years of history (default 10)")
    parser.add_argument(
        "--end", type=date.fromisoformat, default=DEFAULT_END, help="the last day (YYYY-MM-DD)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.years < 1:
        parser.error("--years must be at least 1")
    started = time.perf_counter()
    try:
        counts = generate(args.out, args.years, args.end, args.seed)
    except FileExistsError as error:
        print(f"generate_journal: {error}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(
        f"{args.out}: {counts.regimens} regimens, {counts.dose_events} dose events on "
        f"{counts.dose_days} days, {counts.draws} draws ({counts.results} results), "
        f"{counts.semen} semen analyses, {counts.dexa} DEXA scans, {counts.symptoms} symptom "
        f"entries; written in {elapsed:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
