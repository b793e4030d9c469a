"""Edges of the monitoring rules that matter: pauses, switches, leap days, DST weeks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fertilitytracker.core.monitoring import due_tests
from fertilitytracker.core.records import History, LabDraw, SemenAnalysis
from tests.builders import d
from tests.core._history import anastrozole, clomiphene, draw, kinds, letrozole, only, panel, window

# ---------------------------------------------------------------------------
# A stop and a restart, within and beyond 30 days
# ---------------------------------------------------------------------------


def _paused(restart: str, *draws: LabDraw) -> History:
    """Anastrozole from 2026-01-05, stopped 2026-02-01 and started again on `restart`."""
    return History(
        regimens=(anastrozole("2026-01-05", stop="2026-02-01"), anastrozole(restart)),
        draws=draws,
    )


def test_restart_within_30_days_keeps_the_inhibitor_course_for_the_lipid_baseline() -> None:
    # Stopped 02-01, restarted 03-02: the pause 02-01..03-01 is 29 days, so the course
    # (and its overdue baseline window) continues from 01-05.
    lipid = only(due_tests(_paused("2026-03-02"), d("2026-03-03")), "lipid_panel")
    assert window(lipid) == ("2026-01-05", "2026-02-02", "overdue")


def test_restart_beyond_30_days_opens_a_new_inhibitor_course() -> None:
    # Pause of 30 days: none active in the 30 days before 03-03, so A = 03-03; the lipid panel
    # of 01-10 is within 365 days of A, so the yearly window applies, not a new baseline.
    history = _paused("2026-03-03", draw("2026-01-10", "total_cholesterol"))
    lipid = only(due_tests(history, d("2026-03-04")), "lipid_panel")
    assert lipid.rule == "lipid_panel_yearly"
    assert (lipid.opens, lipid.due) == (d("2026-12-11"), d("2027-01-10"))


def test_restart_beyond_30_days_without_a_lipid_panel_needs_a_new_baseline() -> None:
    lipid = only(due_tests(_paused("2026-03-03"), d("2026-03-04")), "lipid_panel")
    assert window(lipid) == ("2026-03-03", "2026-03-31", "open")


@pytest.mark.parametrize("restart", ["2026-03-02", "2026-03-03", "2026-06-01"])
def test_a_restart_anchors_the_hormone_panel_whatever_the_pause(restart: str) -> None:
    history = _paused(restart, panel("2026-01-20"), panel("2026-02-16"))
    hormone = only(due_tests(history, d(restart) + timedelta(days=1)), "hormone_panel")
    assert hormone.reason == f"anastrozole started {restart}"
    assert hormone.opens == d(restart) + timedelta(days=14)


def test_the_stop_itself_anchors_a_hormone_panel_during_the_pause() -> None:
    history = _paused("2026-03-10", panel("2026-01-20"))
    hormone = only(due_tests(history, d("2026-02-05")), "hormone_panel")
    assert hormone.reason == "anastrozole stopped 2026-02-01"
    assert (hormone.opens, hormone.due) == (d("2026-02-15"), d("2026-03-01"))


def test_a_pause_counts_no_exposure_for_dexa() -> None:
    # 27 days (01-05..01-31) then from 03-02: 338 more days reach 365 on 2027-02-03.
    dexa = only(due_tests(_paused("2026-03-02"), d("2026-03-03")), "dexa")
    assert dexa.opens == d("2026-03-02") + timedelta(days=365 - 27)
    assert dexa.opens == d("2027-02-03")


def test_semen_analysis_of_the_old_course_still_anchors_after_a_short_pause() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05", stop="2026-04-01"), clomiphene("2026-04-20")),
        semen=(SemenAnalysis(d("2026-03-15"), 3.0, 20.0),),
    )
    semen = only(due_tests(history, d("2026-04-21")), "semen_analysis")
    assert (semen.opens, semen.due) == (d("2026-06-13"), d("2026-09-11"))


def test_during_the_pause_nothing_but_the_hormone_panel_after_the_stop() -> None:
    assert kinds(due_tests(_paused("2026-03-10"), d("2026-02-10"))) == {"hormone_panel"}


# ---------------------------------------------------------------------------
# A same-day switch between two aromatase inhibitors
# ---------------------------------------------------------------------------


def _switch() -> History:
    return History(regimens=(letrozole("2026-01-05", stop="2026-03-01"), anastrozole("2026-03-01")))


def test_same_day_switch_continues_the_fertility_course() -> None:
    semen = only(due_tests(_switch(), d("2026-03-02")), "semen_analysis")
    assert semen.reason == "fertility course started 2026-01-05"
    assert (semen.opens, semen.due) == (d("2026-04-05"), d("2026-07-04"))


def test_same_day_switch_counts_exposure_as_one_uninterrupted_course() -> None:
    dexa = only(due_tests(_switch(), d("2026-03-02")), "dexa")
    assert (dexa.opens, dexa.due) == (d("2027-01-05"), d("2028-01-05"))


def test_same_day_switch_on_the_switch_day_itself() -> None:
    tests = due_tests(_switch(), d("2026-03-01"))
    assert only(tests, "hormone_panel").reason == (
        "anastrozole started 2026-03-01; letrozole stopped 2026-03-01"
    )
    assert only(tests, "lipid_panel").opens == d("2026-01-05")
    assert "on anastrozole" not in only(tests, "dexa").reason  # exposure rule, not a repeat


def test_same_day_switch_lipid_panel_names_the_inhibitor_that_began_the_course() -> None:
    history = History(
        regimens=_switch().regimens,
        draws=(draw("2026-01-20", "total_cholesterol"),),
    )
    lipid = only(due_tests(history, d("2026-03-02")), "lipid_panel")
    assert lipid.reason == "on anastrozole: 365 days after the lipid panel of 2026-01-20"


# ---------------------------------------------------------------------------
# A change before an older window is satisfied
# ---------------------------------------------------------------------------


def test_a_change_before_the_first_window_opens_replaces_it() -> None:
    history = History(regimens=(anastrozole("2026-01-05", ("2026-01-10", 0.5, "daily")),))
    hormone = only(due_tests(history, d("2026-01-11")), "hormone_panel")
    assert (hormone.opens, hormone.due) == (d("2026-01-24"), d("2026-02-07"))


def test_a_panel_in_the_replaced_window_does_not_satisfy_the_new_one() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-01-25", 0.5, "daily")),),
        draws=(panel("2026-01-28"),),  # in the old window (01-19..02-02), before 02-08
    )
    hormone = only(due_tests(history, d("2026-02-25")), "hormone_panel")
    assert hormone.rule == "hormone_panel_after_change"
    assert window(hormone) == ("2026-02-08", "2026-02-22", "overdue")


def test_a_panel_in_the_new_window_hands_over_to_the_on_therapy_rule() -> None:
    history = History(
        regimens=(anastrozole("2026-01-05", ("2026-01-25", 0.5, "daily")),),
        draws=(panel("2026-01-28"), panel("2026-02-08")),
    )
    hormone = only(due_tests(history, d("2026-02-25")), "hormone_panel")
    assert hormone.rule == "hormone_panel_on_therapy"
    assert (hormone.opens, hormone.due) == (d("2026-04-25"), d("2026-05-09"))


def test_a_result_after_today_does_not_hide_a_reminder() -> None:
    history = History(regimens=(anastrozole("2026-01-05"),), draws=(panel("2026-01-25"),))
    assert only(due_tests(history, d("2026-01-24")), "hormone_panel").status == "open"
    assert only(due_tests(history, d("2026-01-25")), "hormone_panel").rule == (
        "hormone_panel_on_therapy"
    )


# ---------------------------------------------------------------------------
# An early semen analysis
# ---------------------------------------------------------------------------


def test_an_analysis_before_the_window_opens_moves_the_window_later() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05"),),
        semen=(SemenAnalysis(d("2026-03-01"), 3.0, 20.0),),
    )
    before = only(due_tests(History(regimens=history.regimens), d("2026-02-28")), "semen_analysis")
    after = only(due_tests(history, d("2026-03-01")), "semen_analysis")
    assert (before.opens, before.due) == (d("2026-04-05"), d("2026-07-04"))
    assert (after.opens, after.due) == (d("2026-05-30"), d("2026-08-28"))


def test_an_analysis_dated_after_today_is_not_yet_history() -> None:
    history = History(
        regimens=(clomiphene("2026-01-05"),),
        semen=(SemenAnalysis(d("2026-03-01"), 3.0, 20.0),),
    )
    semen = only(due_tests(history, d("2026-02-01")), "semen_analysis")
    assert semen.reason == "fertility course started 2026-01-05"


# ---------------------------------------------------------------------------
# Leap days
# ---------------------------------------------------------------------------


def test_rule_1_window_across_february_29() -> None:
    history = History(regimens=(anastrozole("2028-02-15"),))
    hormone = only(due_tests(history, d("2028-02-29")), "hormone_panel")
    assert window(hormone) == ("2028-02-29", "2028-03-14", "open")


def test_rule_2_lands_on_february_29() -> None:
    history = History(regimens=(anastrozole("2027-11-01"),), draws=(panel("2027-12-01"),))
    hormone = only(due_tests(history, d("2027-12-02")), "hormone_panel")
    assert hormone.due == d("2028-02-29")
    assert hormone.opens == d("2028-02-15")


def test_rule_3_opens_on_february_29() -> None:
    history = History(regimens=(clomiphene("2027-12-01"),))
    semen = only(due_tests(history, d("2028-02-29")), "semen_analysis")
    assert (semen.opens, semen.status) == (d("2028-02-29"), "open")
    assert only(due_tests(history, d("2028-02-28")), "semen_analysis").status == "upcoming"


def test_rule_4_yearly_after_a_panel_on_february_29_is_365_days() -> None:
    history = History(
        regimens=(anastrozole("2028-01-10"),),
        draws=(draw("2028-02-29", "total_cholesterol"),),
    )
    lipid = only(due_tests(history, d("2028-03-01")), "lipid_panel")
    assert (lipid.opens, lipid.due) == (d("2029-01-29"), d("2029-02-28"))


# ---------------------------------------------------------------------------
# DST weeks: windows are calendar days; a clock change never moves them
# ---------------------------------------------------------------------------

# Starts on the Sundays of the 2026 clock changes in the US (03-08, 11-01) and the EU
# (03-29, 10-25), and windows whose edges fall on them.
DST_SUNDAYS = ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"]


@pytest.mark.parametrize("start", DST_SUNDAYS)
def test_a_start_on_a_dst_sunday_gives_whole_day_windows(start: str) -> None:
    history = History(regimens=(anastrozole(start),))
    hormone = only(due_tests(history, d(start)), "hormone_panel")
    assert hormone.opens - d(start) == timedelta(days=14)
    assert hormone.due - d(start) == timedelta(days=28)
    assert hormone.opens.weekday() == hormone.due.weekday() == 6  # still Sundays


@pytest.mark.parametrize("edge", DST_SUNDAYS)
def test_status_changes_exactly_on_a_dst_sunday(edge: str) -> None:
    start = (d(edge) - timedelta(days=14)).isoformat()  # the window opens on the DST Sunday
    history = History(regimens=(anastrozole(start),))
    day_before = d(edge) - timedelta(days=1)
    assert only(due_tests(history, day_before), "hormone_panel").status == "upcoming"
    assert only(due_tests(history, d(edge)), "hormone_panel").status == "open"
    due = d(edge) + timedelta(days=14)
    assert only(due_tests(history, due), "hormone_panel").status == "open"
    assert only(due_tests(history, due + timedelta(days=1)), "hormone_panel").status == "overdue"
