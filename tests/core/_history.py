"""Plain core records for the monitoring tests (docs/clinical.md §6), written with ISO dates:
regimens of 1 mg daily unless said, draws whose results only need to exist."""

from __future__ import annotations

from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import LabDraw, LabResult, Regimen, RegimenStep
from tests.builders import d


def regimen(
    name: str,
    med_class: str,
    start: str,
    *changes: tuple[str, float, str],
    stop: str | None = None,
    dose: float = 1.0,
    unit: str = "mg",
    schedule: str = "daily",
) -> Regimen:
    """A regimen from `start`, then one step per (day, dose, schedule) change."""
    steps = [RegimenStep(d(start), dose, unit, schedule)]
    steps += [
        RegimenStep(d(day), new_dose, unit, new_schedule) for day, new_dose, new_schedule in changes
    ]
    return Regimen(name, med_class, tuple(steps), stop=d(stop) if stop else None)


def anastrozole(start: str, *changes: tuple[str, float, str], stop: str | None = None) -> Regimen:
    return regimen("anastrozole", "aromatase_inhibitor", start, *changes, stop=stop)


def letrozole(start: str, stop: str | None = None) -> Regimen:
    return regimen("letrozole", "aromatase_inhibitor", start, stop=stop, dose=2.5)


def clomiphene(start: str, stop: str | None = None) -> Regimen:
    return regimen("clomiphene", "serm", start, stop=stop, dose=25.0)


def draw(day: str, *analytes: str) -> LabDraw:
    """A draw on `day` in which each of `analytes` was measured."""
    return LabDraw(d(day), tuple(LabResult(a, 1.0, 1.0, "unit") for a in analytes))


def panel(day: str) -> LabDraw:
    """A hormone panel: total testosterone and estradiol on one day."""
    return draw(day, "total_testosterone", "estradiol")


def only(tests: list[DueTest], kind: str) -> DueTest:
    """The one reminder of `kind` among `tests` (fails when there is none or more)."""
    matching = [t for t in tests if t.test == kind]
    assert len(matching) == 1, tests
    return matching[0]


def kinds(tests: list[DueTest]) -> set[str]:
    return {t.test for t in tests}


def window(test: DueTest) -> tuple[str, str, str]:
    """When a reminder opens and is due (ISO dates) and its status, as a person reads them."""
    return test.opens.isoformat(), test.due.isoformat(), test.status
