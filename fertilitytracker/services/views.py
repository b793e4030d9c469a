"""Read-side views of the journal shared by the CLI, the desktop and the report.

The core computes every number; this module only assembles the core's answers per draw and per
regimen, converted to the unit system the user chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from fertilitytracker.core.adherence import adherence_for
from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import Derived, derive_draw, semen_derived, t_e_ratio_si
from fertilitytracker.core.draw_context import DrawContext, all_draw_contexts
from fertilitytracker.core.ranges import Flag, flag_value, range_in_force, semen_lower_limit
from fertilitytracker.core.records import (
    DexaScan,
    DoseEvent,
    History,
    LabDraw,
    LabResult,
    Regimen,
    SemenAnalysis,
    TargetRange,
    UnitSystem,
)
from fertilitytracker.core.units import convert_for_display

DISPLAY_DECIMALS = 2

SEMEN_FIELDS: tuple[tuple[str, str], ...] = (
    ("semen_volume", "volume_ml"),
    ("sperm_concentration", "concentration_m_per_ml"),
    ("total_motility", "total_motility_pct"),
    ("progressive_motility", "progressive_motility_pct"),
    ("normal_morphology", "normal_morphology_pct"),
)


@dataclass(frozen=True)
class ResultView:
    """One result as shown: converted value, flag and the range in force."""

    analyte: str
    name: str
    value: float
    unit: str
    entered_value: float
    entered_unit: str
    comparator: str | None
    flag: Flag
    target_low: float | None
    target_high: float | None
    range_source: str
    method: str | None = None
    result_id: int | None = None


@dataclass(frozen=True)
class DrawView:
    """A blood draw, semen analysis or DEXA scan, with derived values."""

    date: date
    kind: str  # "labs", "semen" or "dexa"
    results: tuple[ResultView, ...]
    derived: dict[str, Derived] = field(default_factory=dict)
    time: time | None = None
    record_id: int | None = None
    context: DrawContext | None = None  # blood draws only (docs/clinical.md §8)


def _round(value: float | None) -> float | None:
    """Round for display: two decimals, or four significant figures below 1 (SI ratios)."""
    if value is None:
        return None
    if value != 0 and abs(value) < 1:
        return float(f"{value:.4g}")
    return round(value, DISPLAY_DECIMALS)


def _displayed(analyte_key: str, canonical: float | None, system: UnitSystem) -> float | None:
    if canonical is None:
        return None
    return convert_for_display(analyte_key, canonical, system)[0]


def result_view(
    result: LabResult, targets: Sequence[TargetRange], system: UnitSystem
) -> ResultView:
    """A lab result converted to `system`, flagged against the range in force."""
    analyte = get_analyte(result.analyte)
    target, source = range_in_force(result, targets)
    value, unit = convert_for_display(analyte.key, result.value, system)
    return ResultView(
        analyte=analyte.key,
        name=analyte.name,
        value=value,
        unit=unit,
        entered_value=result.entered_value,
        entered_unit=result.entered_unit,
        comparator=result.comparator,
        flag=flag_value(result.value, result.comparator, target.low, target.high),
        target_low=_displayed(analyte.key, target.low, system),
        target_high=_displayed(analyte.key, target.high, system),
        range_source=source,
        method=result.method,
        result_id=result.id,
    )


def lab_draw_view(draw: LabDraw, targets: Sequence[TargetRange], system: UnitSystem) -> DrawView:
    """A blood draw with flags and T/E, T/LH and calculated free testosterone."""
    derived = derive_draw(draw)
    if system == "si":
        # The SI ratio (nmol/L per pmol/L) has its own threshold; never compare it with 10.
        derived["t_e_ratio"] = t_e_ratio_si(draw)
    return DrawView(
        date=draw.date,
        time=draw.time,
        kind="labs",
        results=tuple(result_view(result, targets, system) for result in draw.results),
        derived=derived,
        record_id=draw.id,
    )


def semen_view(analysis: SemenAnalysis, who_edition: str = "2021") -> DrawView:
    """A semen analysis as a draw of semen parameters, flagged against WHO lower limits."""
    results = []
    for key, attribute in SEMEN_FIELDS:
        value = getattr(analysis, attribute)
        if value is None:
            continue
        analyte = get_analyte(key)
        lower = semen_lower_limit(key, who_edition)
        results.append(
            ResultView(
                analyte=key,
                name=analyte.name,
                value=value,
                unit=analyte.canonical_unit,
                entered_value=value,
                entered_unit=analyte.canonical_unit,
                comparator=None,
                flag=flag_value(value, None, lower, None),
                target_low=lower,
                target_high=None,
                range_source=f"WHO {who_edition}",
            )
        )
    counts = semen_derived(analysis)
    derived = {
        "total_sperm_count": counts.total_sperm_count,
        "tmsc": counts.tmsc,
        "tmsc_progressive": counts.tmsc_progressive,
    }
    return DrawView(
        date=analysis.date,
        kind="semen",
        results=tuple(results),
        derived=derived,
        record_id=analysis.id,
    )


def dexa_view(scan: DexaScan, targets: Sequence[TargetRange]) -> DrawView:
    """A DEXA scan as a draw holding its T-score."""
    analyte = get_analyte("dexa_t_score")
    pseudo = LabResult(
        analyte=analyte.key,
        value=scan.t_score,
        entered_value=scan.t_score,
        entered_unit=analyte.canonical_unit,
    )
    return DrawView(
        date=scan.date,
        kind="dexa",
        results=(result_view(pseudo, targets, "us"),),
        record_id=scan.id,
    )


def all_draw_views(
    history: History, system: UnitSystem = "us", who_edition: str = "2021"
) -> list[DrawView]:
    """Every draw, semen analysis and scan, oldest first."""
    contexts = all_draw_contexts(history)
    views = [
        replace(lab_draw_view(draw, history.targets, system), context=contexts[draw.date])
        for draw in history.draws
    ]
    views += [semen_view(analysis, who_edition) for analysis in history.semen]
    views += [dexa_view(scan, history.targets) for scan in history.dexa]
    order = {"labs": 0, "semen": 1, "dexa": 2}
    return sorted(views, key=lambda view: (view.date, order[view.kind]))


def draw_view_json(view: DrawView) -> dict[str, object]:
    """The `labs --json` shape of docs/cli.md for one draw."""
    document: dict[str, object] = {
        "date": view.date.isoformat(),
        "kind": view.kind,
        "results": [
            {
                "analyte": result.analyte,
                "value": _round(result.value),
                "unit": result.unit,
                "entered_value": result.entered_value,
                "entered_unit": result.entered_unit,
                "comparator": result.comparator,
                "flag": result.flag,
                "target_low": _round(result.target_low),
                "target_high": _round(result.target_high),
                "range_source": result.range_source,
            }
            for result in view.results
        ],
        "derived": _derived_json(view),
    }
    if view.context is not None:
        document["context"] = context_json(view.context)
    return document


def context_summary(context: DrawContext) -> str:
    """The draw's context in one line: "drawn 07:45, fasting; anastrozole 10.5 h after the
    last logged dose, hcg: no dose logged" (docs/clinical.md §8)."""
    when = f"drawn {context.time:%H:%M}" if context.time else "time of draw not recorded"
    fasting = {True: "fasting", False: "not fasting", None: "fasting not recorded"}
    parts = [f"{when}, {fasting[context.fasting]}"]
    doses = [
        f"{since.medication} {since.hours:.1f} h after the last logged dose"
        if since.hours is not None
        else f"{since.medication}: no dose logged before the draw"
        for since in context.since_doses
    ]
    if doses:
        parts.append(", ".join(doses))
    return "; ".join(parts)


def context_json(context: DrawContext) -> dict[str, object]:
    """A blood draw's `context` in `labs --json` (docs/cli.md; docs/clinical.md §8)."""
    return {
        "time": context.time.strftime("%H:%M") if context.time else None,
        "fasting": context.fasting,
        "hours_since_last_dose": {
            since.medication: None if since.hours is None else round(since.hours, 1)
            for since in context.since_doses
        },
        "notes": [
            {"note": note.key, "text": note.text, "source": note.source} for note in context.notes
        ],
    }


DERIVED_LABELS = {
    "t_e_ratio": "T/E ratio",
    "t_lh_ratio": "T/LH ratio",
    "free_testosterone_calculated": "Free T, calculated (Vermeulen)",
    "total_sperm_count": "Total sperm count",
    "tmsc": "Total motile sperm count",
    "tmsc_progressive": "Progressive TMSC",
}


def _derived_json(view: DrawView) -> dict[str, float | None]:
    if view.kind == "labs":
        keys = ("t_e_ratio", "t_lh_ratio", "free_testosterone_calculated")
    elif view.kind == "semen":
        keys = ("total_sperm_count", "tmsc", "tmsc_progressive")
    else:
        return {}
    return {key: _round(view.derived[key].value) if key in view.derived else None for key in keys}


def regimen_json(regimen: Regimen) -> dict[str, object]:
    """The `med list --json` shape of docs/cli.md."""
    current = regimen.current
    return {
        "name": regimen.name,
        "class": regimen.med_class,
        "dose": current.dose,
        "unit": current.unit,
        "schedule": current.schedule,
        "start": regimen.start.isoformat(),
        "stop": regimen.stop.isoformat() if regimen.stop else None,
        "time": regimen.time_of_day.strftime("%H:%M") if regimen.time_of_day else None,
        "changes": [
            {
                "date": step.date.isoformat(),
                "dose": step.dose,
                "unit": step.unit,
                "schedule": step.schedule,
            }
            for step in regimen.steps[1:]
        ],
    }


def doses_json(
    history: History, today: date, start: date | None = None, end: date | None = None
) -> dict[str, object]:
    """The `doses --json` shape of docs/cli.md: adherence per regimen and the logged doses."""
    names = {regimen.id: regimen.name for regimen in history.regimens}
    regimens = []
    for regimen in history.regimens:
        own = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        summary = adherence_for(regimen, own, today, start=start, end=end)
        regimens.append(
            {
                "name": regimen.name,
                "expected": summary.expected,
                "taken": summary.taken,
                "skipped": summary.skipped,
                "missed": summary.missed,
                "adherence": _round(summary.adherence),
            }
        )
    return {
        "regimens": regimens,
        "doses": [
            {
                "name": names.get(dose.regimen_id, "?"),
                "at": dose.at.isoformat(timespec="minutes"),
                "dose": dose.dose,
                "unit": dose.unit,
                "status": dose.status,
            }
            for dose in _within(history.doses, start, end)
        ],
    }


def _within(doses: Sequence[DoseEvent], start: date | None, end: date | None) -> list[DoseEvent]:
    def keep(at: datetime) -> bool:
        return (start is None or at.date() >= start) and (end is None or at.date() <= end)

    return [dose for dose in doses if keep(dose.at)]
