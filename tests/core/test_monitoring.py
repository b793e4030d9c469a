"""Tests for the monitoring rules of docs/clinical.md §6 (core/monitoring.py)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import (
    AROMATASE_INHIBITOR_CLASSES,
    FERTILITY_CLASSES,
    HORMONE_CLASSES,
    DueTest,
    RuleOffsets,
    courses,
    default_offsets,
    due_tests,
    exposure_days,
    exposure_reached_on,
    medication_events,
    offsets_with,
    rule_sources,
    window_status,
)
from fertilitytracker.core.records import (
    DexaScan,
    History,
    LabDraw,
    LabResult,
    Regimen,
    RegimenStep,
    SemenAnalysis,
)
from fertilitytracker.core.resources import load_json
from tests.builders import d
from tests.core._history import (
    anastrozole,
    clomiphene,
    draw,
    kinds,
    letrozole,
    only,
    panel,
    regimen,
    window,
)

AI = ("aromatase_inhibitor",)


# ---------------------------------------------------------------------------
# Resource and offsets
# ---------------------------------------------------------------------------


def test_resource_declares_every_offset_once_with_its_source() -> None:
    data = load_json("monitoring_rules.json")
    declared: list[str] = list(data["course"]["offsets"])
    for rule in data["rules"]:
        declared += list(rule["offsets"])
        assert rule["source"].startswith("**"), rule["id"]
    assert sorted(declared) == sorted(f.name for f in fields(RuleOffsets))
    assert [rule["number"] for rule in data["rules"]] == [1, 2, 3, 4, 5]
    assert "re-check 2–4 weeks" in rule_sources()["hormone_panel_after_change"]
    assert "30 days before" in rule_sources()["course"]


def test_default_offsets_match_clinical_md() -> None:
    offsets = default_offsets()
    assert offsets.as_dict() == {
        "hormone_after_change_opens_days": 14,
        "hormone_after_change_due_days": 28,
        "hormone_on_therapy_interval_days": 90,
        "hormone_on_therapy_opens_before_due_days": 14,
        "semen_opens_days": 90,
        "semen_due_days": 180,
        "lipid_baseline_lookback_days": 365,
        "lipid_baseline_opens_days": 0,
        "lipid_baseline_due_days": 28,
        "lipid_yearly_interval_days": 365,
        "lipid_yearly_opens_before_due_days": 30,
        "dexa_prior_scan_window_days": 365,
        "dexa_repeat_opens_days": 365,
        "dexa_repeat_due_days": 730,
        "dexa_exposure_days": 365,
        "dexa_exposure_due_after_opens_days": 365,
        "course_gap_days": 30,
    }


def test_class_sets() -> None:
    assert {
        "aromatase_inhibitor",
        "serm",
        "gonadotropin",
        "gnrh",
        "testosterone",
    } == HORMONE_CLASSES
    assert {"aromatase_inhibitor", "serm", "gonadotropin", "gnrh"} == FERTILITY_CLASSES
    assert {"aromatase_inhibitor"} == AROMATASE_INHIBITOR_CLASSES


def test_offsets_with_applies_overrides() -> None:
    offsets = offsets_with({"semen_opens_days": 60, "course_gap_days": 14})
    assert offsets.semen_opens_days == 60
    assert offsets.course_gap_days == 14
    assert offsets.semen_due_days == 180
    assert offsets_with({}) == default_offsets()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"semen_open_days": 60}, "offsets"),
        ({"semen_opens_days": -1}, "semen_opens_days"),
        ({"semen_opens_days": 12.5}, "semen_opens_days"),
        ({"semen_opens_days": "90"}, "semen_opens_days"),
        ({"semen_opens_days": True}, "semen_opens_days"),
        ({"semen_opens_days": 200}, "semen_opens_days"),  # would open after due (180)
        ({"course_gap_days": 0}, "course_gap_days"),
        ({"lipid_yearly_interval_days": 5000}, "lipid_yearly_interval_days"),
        (
            {"hormone_on_therapy_opens_before_due_days": 91},
            "hormone_on_therapy_opens_before_due_days",
        ),
    ],
)
def test_bad_overrides_are_refused_naming_the_offset(overrides: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        offsets_with(overrides)
    assert caught.value.field == field


def test_overridden_offsets_move_the_window() -> None:
    history = History(regimens=(clomiphene("2026-01-05"),))
    offsets = offsets_with({"semen_opens_days": 60, "semen_due_days": 120})
    semen = only(due_tests(history, d("2026-01-10"), offsets), "semen_analysis")
    assert (semen.opens, semen.due) == (d("2026-03-06"), d("2026-05-05"))


# ---------------------------------------------------------------------------
# Window status
# ---------------------------------------------------------------------------


def test_window_status_transitions_exactly_at_opens_and_due() -> None:
    opens, due = d("2026-01-19"), d("2026-02-02")
    assert window_status(opens, due, d("2026-01-18")) == "upcoming"
    assert window_status(opens, due, opens) == "open"
    assert window_status(opens, due, due) == "open"
    assert window_status(opens, due, d("2026-02-03")) == "overdue"


@pytest.mark.parametrize(
    ("today", "status"),
    [
        ("2026-01-05", "upcoming"),
        ("2026-01-18", "upcoming"),
        ("2026-01-19", "open"),
        ("2026-02-02", "open"),
        ("2026-02-03", "overdue"),
        ("2026-12-31", "overdue"),
    ],
)
def test_rule_1_status_on_each_side_of_the_edges(today: str, status: str) -> None:
    history = History(regimens=(anastrozole("2026-01-05"),))
    hormone = only(due_tests(history, d(today)), "hormone_panel")
    assert (hormone.opens, hormone.due, hormone.status) == (
        d("2026-01-19"),
        d("2026-02-02"),
        status,
    )


# ---------------------------------------------------------------------------
# Rule 1: hormone panel after a change
# ---------------------------------------------------------------------------


def test_rule_1_after_a_start() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),))
    hormone = only(due_tests(history, d("2026-01-10")), "hormone_panel")
    assert hormone == DueTest(
        "hormone_panel",
        d("2026-01-19"),
        d("2026-02-02"),
        "upcoming",
        "anastrozole started 2026-01-05",
        "hormone_panel_after_change",
    )


def test_rule_1_after_a_dose_change() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-10-22", 0.5, "daily")),),
        draws=(panel("2026-01-25"),),
    )
    hormone = only(due_tests(history, d("2026-10-30")), "hormone_panel")
    assert hormone.reason == "anastrozole changed to 0.5 mg daily on 2026-10-22"
    assert (hormone.opens, hormone.due) == (d("2026-11-05"), d("2026-11-19"))
    assert hormone.rule == "hormone_panel_after_change"


def test_rule_1_after_a_schedule_change_keeps_the_new_schedule_in_words() -> None:
    history = History(regimens=(anastrozole("2026-01-05", ("2026-02-01", 1.0, "mon,thu")),))
    hormone = only(due_tests(history, d("2026-02-02")), "hormone_panel")
    assert hormone.reason == "anastrozole changed to 1 mg mon,thu on 2026-02-01"


def test_rule_1_a_step_repeating_the_dose_is_not_a_change() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-03-01", 1.0, "daily")),),
        draws=(panel("2026-01-20"),),
    )
    hormone = only(due_tests(history, d("2026-03-05")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"


def test_rule_1_applies_after_a_stop_even_with_nothing_active() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05", stop="2026-03-01"),),
        draws=(panel("2026-01-25"),),
    )
    tests = due_tests(history, d("2026-03-20"))
    assert kinds(tests) == {"hormone_panel"}
    hormone = tests[0]
    assert hormone.reason == "clomiphene stopped 2026-03-01"
    assert window(hormone) == ("2026-03-15", "2026-03-29", "open")


def test_rule_1_satisfied_after_a_stop_leaves_nothing() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05", stop="2026-03-01"),),
        draws=(panel("2026-01-25"), panel("2026-03-15")),
    )
    assert due_tests(history, d("2026-06-01")) == []


def test_rule_1_satisfied_by_a_draw_on_the_opening_day() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),), draws=(panel("2026-01-19"),))
    hormone = only(due_tests(history, d("2026-01-20")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"


def test_rule_1_a_draw_before_opens_is_too_early() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),), draws=(panel("2026-01-18"),))
    hormone = only(due_tests(history, d("2026-01-20")), "hormone_panel")
    assert hormone.rule == "hormone_panel_after_change"
    assert hormone.status == "open"


def test_rule_1_a_draw_without_estradiol_does_not_satisfy() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2026-01-25", "total_testosterone", "lh", "fsh"),),
    )
    hormone = only(due_tests(history, d("2026-01-26")), "hormone_panel")
    assert hormone.rule == "hormone_panel_after_change"


def test_rule_1_results_with_the_same_date_are_one_draw() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2026-01-25", "total_testosterone"), draw("2026-01-25", "estradiol")),
    )
    hormone = only(due_tests(history, d("2026-01-26")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"
    assert hormone.due == d("2026-04-25")


def test_rule_1_a_result_below_detection_still_counts_as_measured() -> None:
    below = LabResult("estradiol", 5.0, 5.0, "pg/mL", comparator="<")
    testosterone = LabResult("total_testosterone", 450.0, 450.0, "ng/dL")
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(LabDraw(d("2026-01-25"), (testosterone, below)),),
    )
    assert only(due_tests(history, d("2026-01-26")), "hormone_panel").rule == (
        "hormone_panel_on_therapy"
    )


def test_rule_1_a_newer_change_replaces_an_unsatisfied_window() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-01-15", 0.5, "daily")),),
        # In the first window (opens 01-19) but before the new one opens (01-29).
        draws=(panel("2026-01-20"),),
    )
    tests = due_tests(history, d("2026-01-21"))
    hormone = only(tests, "hormone_panel")
    assert hormone.reason == "anastrozole changed to 0.5 mg daily on 2026-01-15"
    assert window(hormone) == ("2026-01-29", "2026-02-12", "upcoming")


def test_rule_1_a_change_after_a_satisfied_window_opens_a_new_one() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-05-01", 0.5, "every 2 days")),),
        draws=(panel("2026-01-25"),),
    )
    hormone = only(due_tests(history, d("2026-05-02")), "hormone_panel")
    assert hormone.reason == "anastrozole changed to 0.5 mg every 2 days on 2026-05-01"


def test_rule_1_latest_event_across_regimens() -> None:
    history = History(
        regimens=(
            anastrozole("2026-01-05"),
            regimen(
                "hcg", "gonadotropin", "2026-02-10", dose=500.0, unit="IU", schedule="every 2 days"
            ),
        ),
        draws=(panel("2026-01-25"),),
    )
    hormone = only(due_tests(history, d("2026-02-11")), "hormone_panel")
    assert hormone.reason == "hcg started 2026-02-10"
    assert hormone.opens == d("2026-02-24")


def test_rule_1_same_day_switch_reads_as_the_start() -> None:
    history = History(
        regimens=(
            letrozole("2026-01-05", stop="2026-03-01"),
            anastrozole("2026-03-01"),
        ),
        draws=(panel("2026-01-25"),),
    )
    hormone = only(due_tests(history, d("2026-03-02")), "hormone_panel")
    # The start reads first; the stop of the same day is named too.
    assert hormone.reason == "anastrozole started 2026-03-01; letrozole stopped 2026-03-01"


def test_rule_1_ignores_events_after_today() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-06-01", 0.5, "daily"), stop="2026-09-01"),),
        draws=(panel("2026-01-25"),),
    )
    hormone = only(due_tests(history, d("2026-03-01")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"


def test_other_medications_raise_no_reminder() -> None:
    history = History(regimens=(regimen("vitamin d", "other", "2026-01-05", unit="IU"),))
    assert due_tests(history, d("2026-06-01")) == []


def test_empty_history_has_nothing_due() -> None:
    assert due_tests(History(), d("2026-06-01")) == []


def test_medication_events_in_order() -> None:
    events = medication_events(
        [anastrozole("2026-01-05", ("2026-02-01", 0.5, "daily"), stop="2026-04-01")],
        HORMONE_CLASSES,
        today=d("2026-12-31"),
    )
    assert [(e.date, e.kind) for e in events] == [
        (d("2026-01-05"), "started"),
        (d("2026-02-01"), "changed"),
        (d("2026-04-01"), "stopped"),
    ]


def test_a_step_after_the_stop_never_applied() -> None:
    events = medication_events(
        [anastrozole("2026-01-05", ("2026-05-01", 0.5, "daily"), stop="2026-04-01")],
        HORMONE_CLASSES,
        today=d("2026-12-31"),
    )
    assert [e.kind for e in events] == ["started", "stopped"]


# ---------------------------------------------------------------------------
# Rule 2: hormone panel while on therapy
# ---------------------------------------------------------------------------


def test_rule_2_ninety_days_after_the_latest_panel() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(panel("2026-01-20"), panel("2026-02-01"), draw("2026-03-01", "total_testosterone")),
    )
    hormone = only(due_tests(history, d("2026-03-10")), "hormone_panel")
    assert hormone == DueTest(
        "hormone_panel",
        d("2026-04-18"),
        d("2026-05-02"),
        "upcoming",
        "on anastrozole: 90 days after the panel of 2026-02-01",
        "hormone_panel_on_therapy",
    )


def test_rule_2_names_every_active_hormone_medication() -> None:
    history = History(
        regimens=(
            anastrozole("2026-01-05"),
            regimen("hcg", "gonadotropin", "2026-01-05", dose=500.0, unit="IU"),
        ),
        draws=(panel("2026-02-01"),),
    )
    hormone = only(due_tests(history, d("2026-03-10")), "hormone_panel")
    assert hormone.reason == "on anastrozole and hcg: 90 days after the panel of 2026-02-01"


def test_rule_2_not_while_nothing_is_active() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", stop="2026-02-01"),),
        draws=(panel("2026-02-20"),),
    )
    assert due_tests(history, d("2026-06-01")) == []


def test_rule_2_ignores_draws_after_today() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(panel("2026-01-25"), panel("2026-04-01")),
    )
    hormone = only(due_tests(history, d("2026-03-01")), "hormone_panel")
    assert hormone.due == d("2026-04-25")


# ---------------------------------------------------------------------------
# Rule 3: semen analysis
# ---------------------------------------------------------------------------


def test_rule_3_from_the_course_start() -> None:
    history = History(regimens=(clomiphene("2026-01-05"),))
    semen = only(due_tests(history, d("2026-04-05")), "semen_analysis")
    assert semen == DueTest(
        "semen_analysis",
        d("2026-04-05"),
        d("2026-07-04"),
        "open",
        "fertility course started 2026-01-05",
        "semen_analysis",
    )


def test_rule_3_an_early_analysis_re_anchors_the_window() -> None:
    # docs/clinical.md: the anchor is the latest semen analysis on or after the course start,
    # even one done before the window opened.
    history = History(
        regimens=(clomiphene("2026-01-05"),),
        semen=(SemenAnalysis(d("2026-02-01"), 3.0, 20.0),),
    )
    semen = only(due_tests(history, d("2026-02-10")), "semen_analysis")
    assert (semen.opens, semen.due) == (d("2026-05-02"), d("2026-07-31"))
    assert semen.reason == "fertility course started 2026-01-05; latest semen analysis 2026-02-01"


def test_rule_3_an_analysis_on_the_start_day_anchors() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05"),),
        semen=(SemenAnalysis(d("2026-01-05"), 3.0, 20.0),),
    )
    semen = only(due_tests(history, d("2026-02-10")), "semen_analysis")
    assert semen.opens == d("2026-04-05")
    assert "latest semen analysis 2026-01-05" in semen.reason


def test_rule_3_a_baseline_before_the_course_does_not_anchor() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05"),),
        semen=(SemenAnalysis(d("2026-01-04"), 3.0, 20.0),),
    )
    semen = only(due_tests(history, d("2026-02-10")), "semen_analysis")
    assert (semen.opens, semen.due) == (d("2026-04-05"), d("2026-07-04"))


def test_rule_3_restart_within_thirty_days_continues_the_course() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05", stop="2026-02-01"), clomiphene("2026-03-02")),
    )
    # Pause 02-01..03-01 is 29 days: the course that started 01-05 continues.
    semen = only(due_tests(history, d("2026-03-10")), "semen_analysis")
    assert semen.reason == "fertility course started 2026-01-05"


def test_rule_3_restart_after_thirty_days_starts_a_new_course() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05", stop="2026-02-01"), clomiphene("2026-03-03")),
        semen=(SemenAnalysis(d("2026-01-20"), 3.0, 20.0),),
    )
    # Pause of 30 days: none active in the 30 days before 03-03, so a new course, and the
    # analysis of the old course no longer anchors.
    semen = only(due_tests(history, d("2026-03-10")), "semen_analysis")
    assert semen.reason == "fertility course started 2026-03-03"
    assert semen.opens == d("2026-06-01")


def test_rule_3_switching_fertility_classes_continues_the_course() -> None:
    history = History(
        regimens=(
            clomiphene("2026-01-05", stop="2026-03-01"),
            regimen("hcg", "gonadotropin", "2026-03-10", dose=500.0, unit="IU"),
        ),
    )
    semen = only(due_tests(history, d("2026-03-20")), "semen_analysis")
    assert semen.reason == "fertility course started 2026-01-05"


def test_rule_3_only_while_a_fertility_medication_is_active() -> None:
    testosterone = regimen("testosterone", "testosterone", "2026-01-05", dose=100.0)
    history = History(regimens=(testosterone,))
    assert "semen_analysis" not in kinds(due_tests(history, d("2026-06-01")))
    stopped = History(regimens=(clomiphene("2026-01-05", stop="2026-05-01"),))
    assert "semen_analysis" not in kinds(due_tests(stopped, d("2026-05-01")))
    assert "semen_analysis" in kinds(due_tests(stopped, d("2026-04-30")))


# ---------------------------------------------------------------------------
# Rule 4: lipid panel
# ---------------------------------------------------------------------------


def test_rule_4_baseline_without_any_lipid_panel() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),))
    lipid = only(due_tests(history, d("2026-01-05")), "lipid_panel")
    assert lipid == DueTest(
        "lipid_panel",
        d("2026-01-05"),
        d("2026-02-02"),
        "open",
        "no lipid panel within a year of starting anastrozole",
        "lipid_panel_baseline",
    )


def test_rule_4_a_panel_exactly_365_days_before_the_start_counts() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2025-01-05", "total_cholesterol"),),
    )
    lipid = only(due_tests(history, d("2026-01-05")), "lipid_panel")
    assert lipid.rule == "lipid_panel_yearly"
    assert window(lipid) == ("2025-12-06", "2026-01-05", "open")
    assert lipid.reason == "on anastrozole: 365 days after the lipid panel of 2025-01-05"


def test_rule_4_a_panel_366_days_before_the_start_is_too_old() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2025-01-04", "total_cholesterol"),),
    )
    lipid = only(due_tests(history, d("2026-01-05")), "lipid_panel")
    assert lipid.rule == "lipid_panel_baseline"


def test_rule_4_yearly_after_the_baseline() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2026-01-20", "total_cholesterol", "hdl", "ldl", "triglycerides"),),
    )
    lipid = only(due_tests(history, d("2026-06-01")), "lipid_panel")
    assert window(lipid) == ("2026-12-21", "2027-01-20", "upcoming")


def test_rule_4_a_draw_without_total_cholesterol_is_not_a_lipid_panel() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2026-01-20", "hdl", "ldl"),),
    )
    assert only(due_tests(history, d("2026-02-01")), "lipid_panel").rule == "lipid_panel_baseline"


def test_rule_4_same_day_switch_keeps_the_course_start() -> None:
    history = History(
        regimens=(
            letrozole("2026-01-05", stop="2026-03-01"),
            anastrozole("2026-03-01"),
        ),
    )
    lipid = only(due_tests(history, d("2026-03-05")), "lipid_panel")
    assert (lipid.opens, lipid.due) == (d("2026-01-05"), d("2026-02-02"))
    assert lipid.reason == "no lipid panel within a year of starting letrozole"
    assert lipid.status == "overdue"


def test_rule_4_a_new_course_needs_a_new_baseline_when_the_last_panel_is_old() -> None:
    history = History(
        regimens=(anastrozole("2025-01-05", stop="2025-03-01"), anastrozole("2026-04-01")),
        draws=(draw("2025-01-10", "total_cholesterol"),),
    )
    lipid = only(due_tests(history, d("2026-04-02")), "lipid_panel")
    assert lipid.rule == "lipid_panel_baseline"
    assert (lipid.opens, lipid.due) == (d("2026-04-01"), d("2026-04-29"))


def test_rule_4_only_while_an_inhibitor_is_active() -> None:
    history = History(regimens=(clomiphene("2026-01-05"),))
    assert "lipid_panel" not in kinds(due_tests(history, d("2026-02-01")))


# ---------------------------------------------------------------------------
# Rule 5: DEXA
# ---------------------------------------------------------------------------


def test_rule_5_without_a_baseline_scan_after_a_year_of_inhibitor() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),))
    dexa = only(due_tests(history, d("2026-02-01")), "dexa")
    assert dexa == DueTest(
        "dexa",
        d("2027-01-05"),
        d("2028-01-05"),
        "upcoming",
        "365 days of aromatase inhibitor by 2027-01-05",
        "dexa_after_exposure",
    )


def test_rule_5_leap_day_start() -> None:
    history = History(regimens=(anastrozole("2028-02-29"),))
    dexa = only(due_tests(history, d("2028-03-01")), "dexa")
    assert dexa.opens == d("2029-02-28")
    assert dexa.due == d("2030-02-28")


def test_rule_5_a_year_spanning_a_leap_day_is_365_days() -> None:
    history = History(regimens=(anastrozole("2028-01-01"),))
    assert only(due_tests(history, d("2028-01-02")), "dexa").opens == d("2028-12-31")


@pytest.mark.parametrize(
    ("start", "scanned", "t_score", "today", "opens", "due"),
    [
        pytest.param(
            "2026-01-05",
            "2025-06-01",
            -0.5,
            "2026-02-01",
            "2026-06-01",
            "2027-06-01",
            id="baseline_scan_before_the_start",
        ),
        pytest.param(
            "2026-01-05",
            "2027-02-01",
            -1.2,
            "2027-03-01",
            "2028-02-01",
            "2029-01-31",
            id="a_scan_done_in_the_window_moves_to_repeats",
        ),
        # 365 and 730 days after a scan on February 29 (the repeat counts days, not years).
        pytest.param(
            "2028-01-10",
            "2028-02-29",
            -0.4,
            "2028-03-01",
            "2029-02-28",
            "2030-02-28",
            id="repeat_after_a_scan_on_february_29",
        ),
    ],
)
def test_rule_5_a_scan_anchors_the_repeat(
    start: str, scanned: str, t_score: float, today: str, opens: str, due: str
) -> None:
    history = History(regimens=(anastrozole(start),), dexa=(DexaScan(d(scanned), t_score),))
    dexa = only(due_tests(history, d(today)), "dexa")
    assert (dexa.opens, dexa.due) == (d(opens), d(due))
    assert dexa.rule == "dexa_after_scan"
    assert dexa.reason == f"on anastrozole: repeat after the DEXA of {scanned}"


def test_rule_5_a_scan_exactly_365_days_before_the_first_start_counts() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        dexa=(DexaScan(d("2025-01-05"), -0.5),),
    )
    assert only(due_tests(history, d("2026-02-01")), "dexa").rule == "dexa_after_scan"


def test_rule_5_an_older_scan_is_not_a_baseline() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        dexa=(DexaScan(d("2025-01-04"), -0.5),),
    )
    dexa = only(due_tests(history, d("2026-02-01")), "dexa")
    assert dexa.rule == "dexa_after_exposure"
    assert dexa.opens == d("2027-01-05")


def test_rule_5_cumulative_exposure_across_two_courses() -> None:
    history = History(
        regimens=(
            anastrozole("2026-01-01", stop="2026-07-01"),  # 181 days
            anastrozole("2026-10-01"),  # a new course: 184 days more
        ),
    )
    dexa = only(due_tests(history, d("2026-10-02")), "dexa")
    assert dexa.opens == d("2026-10-01") + timedelta(days=184)
    assert dexa.opens == d("2027-04-03")
    assert dexa.reason == "365 days of aromatase inhibitor by 2027-04-03"


def test_rule_5_overlapping_inhibitors_count_each_day_once() -> None:
    history = History(
        regimens=(
            anastrozole("2026-01-05"),
            letrozole("2026-02-01", stop="2026-03-01"),
        ),
    )
    assert only(due_tests(history, d("2026-03-05")), "dexa").opens == d("2027-01-05")


def test_rule_5_a_stop_dated_after_today_is_a_plan_and_exposure_keeps_projecting() -> None:
    # docs/clinical.md §6: until that day the regimen counts as active and open-ended.
    planned = History(regimens=(anastrozole("2026-01-05", stop="2026-06-01"),))
    dexa = only(due_tests(planned, d("2026-03-01")), "dexa")
    assert dexa.opens == d("2027-01-05")
    assert dexa.rule == "dexa_after_exposure"
    # Once the stop has come, the regimen is no longer active: no window.
    assert "dexa" not in kinds(due_tests(planned, d("2026-06-01")))


def test_rule_5_a_dexa_t_score_entered_as_a_lab_result_is_a_scan() -> None:
    # docs/clinical.md §6: one scan whichever way it came in (`lab dexa_t_score`, LOINC 38267-1).
    history = History(
        regimens=(anastrozole("2026-01-05"),),
        draws=(draw("2027-02-01", "dexa_t_score"),),
    )
    dexa = only(due_tests(history, d("2027-03-01")), "dexa")
    assert (dexa.opens, dexa.rule) == (d("2028-02-01"), "dexa_after_scan")
    assert dexa.reason == "on anastrozole: repeat after the DEXA of 2027-02-01"


def test_rule_1_the_same_dose_in_another_unit_is_no_change() -> None:
    # 0.5 mg → 500 mcg on the same schedule (docs/clinical.md §6): no new panel window.
    same = Regimen(
        "anastrozole",
        "aromatase_inhibitor",
        (
            RegimenStep(d("2026-01-05"), 0.5, "mg", "daily"),
            RegimenStep(d("2026-03-01"), 500, "mcg", "daily"),
        ),
    )
    history = History(regimens=(same,), draws=(panel("2026-01-25"),))
    assert [e.kind for e in medication_events((same,), HORMONE_CLASSES, d("2026-04-01"))] == [
        "started"
    ]
    hormone = only(due_tests(history, d("2026-03-05")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"
    changed = Regimen(
        same.name,
        same.med_class,
        (same.steps[0], RegimenStep(d("2026-03-01"), 250, "mcg", "daily")),
    )
    history = History(regimens=(changed,), draws=(panel("2026-01-25"),))
    assert only(due_tests(history, d("2026-03-05")), "hormone_panel").rule == (
        "hormone_panel_after_change"
    )


def test_rule_1_several_changes_on_one_day_are_all_named() -> None:
    history = History(
        regimens=(
            anastrozole("2026-01-05", ("2026-03-01", 0.5, "daily")),
            clomiphene("2026-03-01"),
            letrozole("2026-01-05", stop="2026-03-01"),
        ),
        draws=(panel("2026-01-25"),),
    )
    reason = only(due_tests(history, d("2026-03-02")), "hormone_panel").reason
    assert "clomiphene started 2026-03-01" in reason
    assert "anastrozole changed to 0.5 mg daily on 2026-03-01" in reason
    assert "letrozole stopped 2026-03-01" in reason


def test_rule_5_not_once_the_inhibitor_is_stopped() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", stop="2027-06-01"),),
        draws=(panel("2027-06-20"),),
    )
    assert due_tests(history, d("2027-07-01")) == []


# ---------------------------------------------------------------------------
# Everything together
# ---------------------------------------------------------------------------


def test_all_rules_together_sorted_by_due_date() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),))
    tests = due_tests(history, d("2026-01-10"))
    assert [(t.test, t.due) for t in tests] == [
        ("lipid_panel", d("2026-02-02")),  # same due day, opens earlier (01-05 vs 01-19)
        ("hormone_panel", d("2026-02-02")),
        ("semen_analysis", d("2026-07-04")),
        ("dexa", d("2028-01-05")),
    ]


def test_a_regimen_starting_after_today_is_not_history_yet() -> None:
    history = History(regimens=(anastrozole("2026-03-01"),))
    assert due_tests(history, d("2026-02-01")) == []


def test_a_regimen_without_steps_is_refused() -> None:
    broken = Regimen("anastrozole", "aromatase_inhibitor", ())
    with pytest.raises(InputError) as caught:
        due_tests(History(regimens=(broken,)), d("2026-02-01"))
    assert caught.value.field == "regimen"


# ---------------------------------------------------------------------------
# courses and exposure
# ---------------------------------------------------------------------------


def test_courses_merge_short_pauses_and_split_long_ones() -> None:
    regimens = [
        anastrozole("2026-01-01", stop="2026-02-01"),
        anastrozole("2026-03-02", stop="2026-04-01"),  # pause of 29 days: same course
        anastrozole("2026-05-01"),  # pause of 30 days: new course
        clomiphene("2025-01-01"),  # another class: ignored
    ]
    assert courses(regimens, AI) == [(d("2026-01-01"), d("2026-04-01")), (d("2026-05-01"), None)]
    assert courses(regimens, AI, gap_days=31) == [(d("2026-01-01"), None)]


def test_courses_same_day_switch_and_never_taken() -> None:
    regimens = [
        regimen("letrozole", "aromatase_inhibitor", "2026-01-05", stop="2026-03-01"),
        anastrozole("2026-03-01", stop="2026-05-01"),
        anastrozole("2026-09-01", stop="2026-09-01"),  # stopped on its first day: never taken
    ]
    assert courses(regimens, AI) == [(d("2026-01-05"), d("2026-05-01"))]
    assert courses([], AI) == []


def test_courses_refuse_a_zero_gap() -> None:
    with pytest.raises(InputError) as caught:
        courses([], AI, gap_days=0)
    assert caught.value.field == "course_gap_days"


def test_exposure_days() -> None:
    regimens = [
        anastrozole("2026-01-01", stop="2026-01-11"),  # 10 days
        anastrozole("2026-01-06", stop="2026-01-16"),  # overlaps: 5 more
        anastrozole("2026-02-01"),
    ]
    assert exposure_days(regimens, AI, until=d("2026-01-01")) == 0
    assert exposure_days(regimens, AI, until=d("2026-01-02")) == 1
    assert exposure_days(regimens, AI, until=d("2026-02-01")) == 15
    assert exposure_days(regimens, AI, until=d("2026-02-11")) == 25
    assert exposure_reached_on(regimens, AI, 15) == d("2026-01-16")
    assert exposure_reached_on(regimens, AI, 16) == d("2026-02-02")


def test_exposure_reached_on_none_when_stops_fall_short() -> None:
    regimens = [anastrozole("2026-01-01", stop="2026-01-11")]
    assert exposure_reached_on(regimens, AI, 10) == d("2026-01-11")
    assert exposure_reached_on(regimens, AI, 11) is None


_days = st.integers(min_value=0, max_value=900)


@st.composite
def _regimen_sets(draw_: st.DrawFn) -> list[Regimen]:
    base = date(2026, 1, 1)
    found = []
    for _ in range(draw_(st.integers(min_value=1, max_value=5))):
        start = base + timedelta(days=draw_(_days))
        length = draw_(st.one_of(st.none(), st.integers(min_value=1, max_value=400)))
        stop = None if length is None else (start + timedelta(days=length)).isoformat()
        found.append(anastrozole(start.isoformat(), stop=stop))
    return found


@given(_regimen_sets(), st.integers(min_value=1, max_value=800))
def test_exposure_reached_on_agrees_with_exposure_days(regimens: list[Regimen], total: int) -> None:
    reached = exposure_reached_on(regimens, AI, total)
    if reached is None:
        assert exposure_days(regimens, AI, until=date(2100, 1, 1)) < total
    else:
        assert exposure_days(regimens, AI, until=reached) == total
        assert exposure_days(regimens, AI, until=reached - timedelta(days=1)) == total - 1


@given(_regimen_sets(), st.integers(min_value=1, max_value=60))
def test_courses_are_ordered_and_separated_by_at_least_the_gap(
    regimens: list[Regimen], gap: int
) -> None:
    found = courses(regimens, AI, gap_days=gap)
    for (_, end), (next_start, _) in pairwise(found):
        assert end is not None
        assert (next_start - end).days >= gap
    # Every active day lies inside a course.
    for reg in regimens:
        assert any(start <= reg.start and (end is None or reg.start < end) for start, end in found)


@given(_regimen_sets(), st.integers(min_value=0, max_value=1500))
def test_every_window_is_consistent(regimens: list[Regimen], today_offset: int) -> None:
    today = date(2026, 1, 1) + timedelta(days=today_offset)
    tests = due_tests(History(regimens=tuple(regimens)), today)
    assert [t.due for t in tests] == sorted(t.due for t in tests)
    for test in tests:
        assert test.opens <= test.due
        assert test.status == window_status(test.opens, test.due, today)
        assert test.reason
    # At most one reminder per test.
    assert len({t.test for t in tests}) == len(tests)
