"""Reading years of results at once gives each result the reading it gets alone.

`HistoryReader` works out once what results share (the range in force, the inhibitors of a
day, the estradiol floor); whatever it shares, a result's flag, range and estradiol state
must be those of `read_result` (docs/clinical.md §1, §4).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fertilitytracker.core.reading import HistoryReader, read_result
from fertilitytracker.core.records import (
    History,
    LabResult,
    Regimen,
    RegimenStep,
    TargetRange,
)

START = date(2026, 1, 1)
# Anastrozole for February only: an estradiol of January or March is read without a floor.
ANASTROZOLE = Regimen(
    "anastrozole",
    "aromatase_inhibitor",
    (RegimenStep(date(2026, 2, 1), 1, "mg", "daily"),),
    stop=date(2026, 3, 1),
)
LETROZOLE = Regimen(
    "letrozole", "aromatase_inhibitor", (RegimenStep(date(2026, 2, 15), 2.5, "mg", "daily"),)
)
TARGETS = (
    TargetRange("estradiol", 20, 40, "Dr A", date(2026, 1, 10)),
    TargetRange("total_testosterone", 400, None, "Dr A", date(2026, 1, 10)),
)

results = st.builds(
    LabResult,
    analyte=st.sampled_from(["estradiol", "total_testosterone", "lh", "shbg"]),
    value=st.sampled_from([0.0, 5.0, 10.0, 15.0, 20.0, 39.9, 40.0, 400.0, 1200.0]),
    entered_value=st.just(1.0),
    entered_unit=st.just("pg/mL"),
    comparator=st.sampled_from([None, None, "<", "<=", ">", ">="]),
    lab_low=st.sampled_from([None, 10.0, 300.0]),
    lab_high=st.sampled_from([None, 39.0, 900.0]),
)
dated = st.tuples(st.integers(min_value=0, max_value=90), results)


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(dated, min_size=1, max_size=40),
    targets=st.sampled_from([(), TARGETS]),
    regimens=st.sampled_from([(), (ANASTROZOLE,), (ANASTROZOLE, LETROZOLE)]),
)
def test_every_result_gets_the_reading_it_gets_alone(
    entries: list[tuple[int, LabResult]],
    targets: tuple[TargetRange, ...],
    regimens: tuple[Regimen, ...],
) -> None:
    history = History(regimens=regimens, targets=targets)
    reader = HistoryReader(history)
    for offset, result in entries:
        day = START + timedelta(days=offset)
        assert reader.read_result(result, day) == read_result(result, day, history)


def test_results_sharing_a_range_keep_their_own_flag_and_estradiol_state() -> None:
    history = History(regimens=(ANASTROZOLE,), targets=TARGETS)
    reader = HistoryReader(history)
    february, march = date(2026, 2, 10), date(2026, 3, 10)
    low = reader.read_result(LabResult("estradiol", 8, 8, "pg/mL"), february)
    fine = reader.read_result(LabResult("estradiol", 30, 30, "pg/mL"), february)
    after = reader.read_result(LabResult("estradiol", 8, 8, "pg/mL"), march)
    assert (low.flag, low.estradiol_state, low.inhibitors) == (
        "low",
        "below_floor",
        ("anastrozole",),
    )
    assert low.floor is not None and low.floor.value == 20  # the clinician's low bound
    assert (fine.flag, fine.estradiol_state) == ("in_range", None)
    # Stopped at the end of February: the same value is low, with no floor to be under.
    assert (after.flag, after.estradiol_state, after.inhibitors) == ("low", None, ())
    assert low.range is fine.range is after.range  # worked out once for the three
