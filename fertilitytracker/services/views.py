"""Each draw as every surface shows it: the core's readings, converted to the user's units."""

# The core computes every number; this module only assembles its answers per draw, converted to
# the unit system the user chose. The JSON documents of docs/cli.md are built in json_views.

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, NamedTuple, overload

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import (
    Derived,
    derive_draw,
    round_beside,
    semen_derived,
    t_e_ratio_si,
)
from fertilitytracker.core.ranges import Flag, RangeOrigin
from fertilitytracker.core.reading import (
    EstradiolState,
    FloorOrigin,
    HistoryReader,
    Reading,
    read_result,
    read_value,
)
from fertilitytracker.core.records import (
    DexaScan,
    History,
    LabDraw,
    LabResult,
    SemenAnalysis,
    UnitSystem,
)
from fertilitytracker.core.units import convert_for_display

if TYPE_CHECKING:
    from fertilitytracker.core.draw_context import DrawContext

DISPLAY_DECIMALS = 2

SEMEN_FIELDS: tuple[tuple[str, str], ...] = (
    ("semen_volume", "volume_ml"),
    ("sperm_concentration", "concentration_m_per_ml"),
    ("total_motility", "total_motility_pct"),
    ("progressive_motility", "progressive_motility_pct"),
    ("normal_morphology", "normal_morphology_pct"),
)


class ResultView(NamedTuple):
    """One result as shown: converted value and what `core.reading` decided about it.

    Every surface reads `flag`, the range in force and `estradiol_state` from here; none
    decides them again (docs/clinical.md §1, §4). An immutable record made thousands at a
    time (every result of years of draws): a named tuple, which Python builds several times
    faster than a frozen dataclass.
    """

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
    # The highest rule that gave a side of the range in force ("clinician", "lab", "default"),
    # or "WHO <edition>" for a semen parameter.
    range_source: str
    method: str | None = None
    result_id: int | None = None
    low_source: RangeOrigin | None = None
    high_source: RangeOrigin | None = None
    range_text: str = ""  # the source of the rule that gave the range
    # docs/clinical.md §4: "below_floor", "cannot_tell", or None (not estradiol, no inhibitor
    # active on the draw date, or not below the floor).
    estradiol_state: EstradiolState | None = None
    floor: float | None = None  # in `unit`, set while an inhibitor was active
    floor_origin: FloorOrigin | None = None
    inhibitors: tuple[str, ...] = ()  # aromatase inhibitors active on the draw date

    @property
    def over_suppressed(self) -> bool:
        """Estradiol below the floor while an aromatase inhibitor is active (§4)."""
        return self.estradiol_state == "below_floor"

    @property
    def cannot_tell(self) -> bool:
        """A censored estradiol whose limit is above the floor, on an inhibitor (§4)."""
        return self.estradiol_state == "cannot_tell"


@dataclass(frozen=True)
class DrawView:
    """A blood draw, semen analysis or DEXA scan, with derived values."""

    date: date
    kind: str  # "labs", "semen" or "dexa"
    results: tuple[ResultView, ...]
    derived: dict[str, Derived] = field(default_factory=dict)
    time: time | None = None
    record_id: int | None = None
    # The T/E ratio in canonical units (ng/dL ÷ pg/mL) whatever the unit system shown:
    # `labs --json` always carries it (docs/clinical.md §3).
    t_e_canonical: Derived | None = None
    # The flags the core gave derived values that have a limit (total sperm count vs WHO).
    derived_flags: dict[str, Flag] = field(default_factory=dict)
    context: DrawContext | None = None  # blood draws only (docs/clinical.md §8)


FLAG_WORDS: dict[str, str] = {
    "low": "below target range",
    "high": "above target range",
    "in_range": "in range",
    "indeterminate": "cannot tell",
}


@overload
def round_shown(value: float) -> float: ...
@overload
def round_shown(value: None) -> None: ...
@overload
def round_shown(value: float | None) -> float | None: ...
def round_shown(value: float | None) -> float | None:
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
    result: LabResult,
    day: date,
    history: History,
    system: UnitSystem,
    who_edition: str = "2021",
) -> ResultView:
    """A lab result of the draw dated `day`, converted to `system`, with its reading."""
    return _lab_result_view(read_result(result, day, history, who_edition), result, system)


def _lab_result_view(
    reading: Reading, result: LabResult, system: UnitSystem, shown: _Shown | None = None
) -> ResultView:
    """The view of a stored lab result with its reading."""
    return _view(
        reading,
        result.value,
        result.comparator,
        result.entered_value,
        result.entered_unit,
        system,
        method=result.method,
        result_id=result.id,
        shown=shown,
    )


class _Shown(NamedTuple):
    """What every result of one reading shows alike, in one unit system."""

    analyte: str
    name: str
    target_low: float | None
    target_high: float | None
    range_source: str
    low_source: RangeOrigin | None
    high_source: RangeOrigin | None
    range_text: str
    floor: float | None
    floor_origin: FloorOrigin | None


def _shown(reading: Reading, system: UnitSystem) -> _Shown:
    analyte = get_analyte(reading.analyte)
    in_force = reading.range
    floor = reading.floor
    return _Shown(
        analyte.key,
        analyte.name,
        _displayed(analyte.key, in_force.low, system),
        _displayed(analyte.key, in_force.high, system),
        in_force.origin,
        in_force.low_origin,
        in_force.high_origin,
        in_force.source,
        None if floor is None else _displayed(analyte.key, floor.value, system),
        None if floor is None else floor.origin,
    )


def _view(
    reading: Reading,
    canonical: float,
    comparator: str | None,
    entered_value: float,
    entered_unit: str,
    system: UnitSystem,
    *,
    method: str | None = None,
    result_id: int | None = None,
    shown: _Shown | None = None,
) -> ResultView:
    """The view of one value with its reading (`shown`: `_shown(reading, system)`, when known)."""
    if shown is None:
        shown = _shown(reading, system)
    value, unit = convert_for_display(shown.analyte, canonical, system)
    # Positional, in the order of ResultView's fields: years of results are viewed at once.
    return ResultView(
        shown.analyte,
        shown.name,
        value,
        unit,
        entered_value,
        entered_unit,
        comparator,
        reading.flag,
        shown.target_low,
        shown.target_high,
        shown.range_source,
        method,
        result_id,
        shown.low_source,
        shown.high_source,
        shown.range_text,
        reading.estradiol_state,
        shown.floor,
        shown.floor_origin,
        reading.inhibitors,
    )


class HistoryViews:
    """The views of many values of one history in one unit system (every draw at once).

    Each result gets the view `result_view` gives it, and each value the view `value_view`
    gives it; the core's `HistoryReader` works out once what they share, and each distinct
    reading is converted to the unit system once.
    """

    def __init__(self, history: History, system: UnitSystem, who_edition: str = "2021") -> None:
        self._reader = HistoryReader(history, who_edition)
        self._system = system
        # Keyed by the reading's identity: the reader hands out one object per distinct
        # reading, and keeps it alive as long as this.
        self._shown: dict[int, _Shown] = {}

    def result(self, result: LabResult, day: date) -> ResultView:
        """`result_view` of a result of the draw dated `day`."""
        reading = self._reader.read_result(result, day)
        return _lab_result_view(reading, result, self._system, self._shown_of(reading))

    def value(self, analyte_key: str, canonical: float, day: date) -> ResultView:
        """`value_view` of a value the app derived."""
        reading = self._reader.read_value(analyte_key, canonical, None, day)
        unit = get_analyte(analyte_key).canonical_unit
        shown = self._shown_of(reading)
        return _view(reading, canonical, None, canonical, unit, self._system, shown=shown)

    def draw(self, draw: LabDraw, context: DrawContext | None = None) -> DrawView:
        """`lab_draw_view` of a blood draw."""
        derived = derive_draw(draw)
        canonical = derived["t_e_ratio"]
        if self._system == "si":
            # The SI ratio (nmol/L per pmol/L) has its own threshold; never compare it with 10.
            derived["t_e_ratio"] = t_e_ratio_si(draw)
        return DrawView(
            date=draw.date,
            time=draw.time,
            kind="labs",
            results=tuple(self.result(result, draw.date) for result in draw.results),
            derived=derived,
            record_id=draw.id,
            t_e_canonical=canonical,
            context=context,
        )

    def _shown_of(self, reading: Reading) -> _Shown:
        shown = self._shown.get(id(reading))
        if shown is None:
            shown = self._shown[id(reading)] = _shown(reading, self._system)
        return shown


def lab_draw_view(
    draw: LabDraw,
    history: History,
    system: UnitSystem,
    who_edition: str = "2021",
    context: DrawContext | None = None,
) -> DrawView:
    """A blood draw with flags and T/E, T/LH and calculated free testosterone (and `context`,
    when given: docs/clinical.md §8)."""
    return HistoryViews(history, system, who_edition).draw(draw, context)


def value_view(
    analyte_key: str,
    canonical: float,
    day: date,
    history: History,
    system: UnitSystem,
    who_edition: str = "2021",
) -> ResultView:
    """A value the app derived (calculated free T, total sperm count) with its reading."""
    return HistoryViews(history, system, who_edition).value(analyte_key, canonical, day)


def semen_view(analysis: SemenAnalysis, who_edition: str = "2021") -> DrawView:
    """A semen analysis as a draw of semen parameters, flagged against WHO lower limits."""
    results = []
    for key, attribute in SEMEN_FIELDS:
        value = getattr(analysis, attribute)
        if value is None:
            continue
        # Semen parameters are judged against the WHO lower reference limits only.
        reading = read_value(key, value, None, day=analysis.date, who_edition=who_edition)
        shown = _shown(reading, "us")._replace(range_source=f"WHO {who_edition}")
        unit = get_analyte(key).canonical_unit
        results.append(_view(reading, value, None, value, unit, "us", shown=shown))
    counts = semen_derived(analysis)
    derived = {
        "total_sperm_count": counts.total_sperm_count,
        "tmsc": counts.tmsc,
        "tmsc_progressive": counts.tmsc_progressive,
    }
    derived_flags: dict[str, Flag] = {}
    total = counts.total_sperm_count.value
    if total is not None:
        # docs/clinical.md §2: the total count has a WHO lower reference limit of its own.
        reading = read_value(
            "total_sperm_count", total, None, day=analysis.date, who_edition=who_edition
        )
        derived_flags["total_sperm_count"] = reading.flag
    return DrawView(
        date=analysis.date,
        kind="semen",
        results=tuple(results),
        derived=derived,
        record_id=analysis.id,
        derived_flags=derived_flags,
    )


@dataclass(frozen=True)
class SemenRow:
    """One analysis as stored and as viewed (flags against the WHO limits, derived counts):
    a row of the Semen screen's table and of the report's semen table."""

    analysis: SemenAnalysis
    view: DrawView


def dexa_view(scan: DexaScan, history: History) -> DrawView:
    """A DEXA scan as a draw holding its T-score."""
    unit = get_analyte("dexa_t_score").canonical_unit
    reading = read_value("dexa_t_score", scan.t_score, None, day=scan.date, targets=history.targets)
    return DrawView(
        date=scan.date,
        kind="dexa",
        results=(_view(reading, scan.t_score, None, scan.t_score, unit, "us", result_id=scan.id),),
        record_id=scan.id,
    )


def lab_draw_views(
    history: History,
    system: UnitSystem = "us",
    who_edition: str = "2021",
    last_taken: Mapping[date, Mapping[int, datetime]] | None = None,
) -> list[DrawView]:
    """Every blood draw with its context, oldest first.

    `last_taken` (see `all_draw_contexts`) places each draw after its doses without the dose
    log: `history.doses` may then be left unread.
    """
    # Loaded by the surfaces that show every draw's context (Labs, the report, `labs`): Today
    # views the latest draws without it.
    from fertilitytracker.core.draw_context import all_draw_contexts

    contexts = all_draw_contexts(history, last_taken)
    views = HistoryViews(history, system, who_edition)
    return [views.draw(draw, contexts[draw.date]) for draw in history.draws]


def all_draw_views(
    history: History,
    system: UnitSystem = "us",
    who_edition: str = "2021",
    last_taken: Mapping[date, Mapping[int, datetime]] | None = None,
) -> list[DrawView]:
    """Every draw, semen analysis and scan, oldest first (`last_taken`: see lab_draw_views)."""
    views = lab_draw_views(history, system, who_edition, last_taken)
    views += [semen_view(analysis, who_edition) for analysis in history.semen]
    views += [dexa_view(scan, history) for scan in history.dexa]
    order = {"labs": 0, "semen": 1, "dexa": 2}
    return sorted(views, key=lambda view: (view.date, order[view.kind]))


def ratio_shown(ratio: Derived) -> float | None:
    """A ratio rounded for display, never across its reference (9.997 stays 9.997)."""
    if ratio.value is None:
        return None
    shown = round_shown(ratio.value)
    assert shown is not None
    if ratio.reference is not None and (shown < ratio.reference) != (ratio.value < ratio.reference):
        return round_beside(ratio.value, ratio.reference, significant=4)
    return shown
