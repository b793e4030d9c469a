"""Reads of the latest records only: the latest draws holding some results, the latest analysis
and scan on or before a day (what Today reads, services/today.py)."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.storage.journal import Journal
from tests.builders import d, dexa, draw, semen


@pytest.fixture
def journal(journal: Journal) -> Journal:
    """The suite's empty journal with draws of different results, two analyses and two scans."""
    draw(
        journal,
        d("2026-01-05"),
        ("total_testosterone", "450", "ng/dL"),
        ("estradiol", "30", "pg/mL"),
    )
    draw(journal, d("2026-02-02"), ("estradiol", "25", "pg/mL"), ("lh", "4", "IU/L"))
    draw(journal, d("2026-03-02"), ("total_testosterone", "520", "ng/dL"))
    draw(
        journal,
        d("2026-04-06"),
        ("total_testosterone", "610", "ng/dL"),
        ("estradiol", "<5", "pg/mL"),
    )
    draw(journal, d("2026-07-01"), ("lh", "5", "IU/L"))  # after the day the tests look from
    semen(journal, d("2026-01-20"))
    semen(journal, d("2026-03-20"), volume="2.5")
    semen(journal, d("2026-03-20"), volume="3.5")
    dexa(journal, d("2025-11-03"), "-1.1")
    dexa(journal, d("2026-08-03"), "-1.3")
    return journal


UNTIL = d("2026-06-01")


def test_the_latest_draw_holding_an_analyte_on_or_before_a_day(journal: Journal) -> None:
    labs = journal.labs
    assert labs.latest_dates(["lh"], UNTIL) == [d("2026-02-02")]
    assert labs.latest_dates(["lh"], d("2026-07-01")) == [d("2026-07-01")]
    assert labs.latest_dates(["estradiol"], d("2026-04-05")) == [d("2026-02-02")]
    assert labs.latest_dates(["estradiol"], d("2026-01-04")) == []
    assert labs.latest_dates(["fsh"], UNTIL) == []  # never recorded


def test_the_latest_draws_holding_every_one_of_several_analytes_newest_first(
    journal: Journal,
) -> None:
    panel = ["total_testosterone", "estradiol"]
    assert journal.labs.latest_dates(panel, UNTIL) == [d("2026-04-06")]
    assert journal.labs.latest_dates(panel, UNTIL, count=5) == [d("2026-04-06"), d("2026-01-05")]
    assert journal.labs.latest_dates(["total_testosterone"], UNTIL, count=2) == [
        d("2026-04-06"),
        d("2026-03-02"),
    ]


def test_the_analyses_and_scans_of_the_latest_date_on_or_before_a_day(journal: Journal) -> None:
    analyses = journal.semen.latest_until(UNTIL)
    assert sorted(analysis.volume_ml for analysis in analyses) == [2.5, 3.5]
    assert {analysis.date for analysis in analyses} == {d("2026-03-20")}
    assert [analysis.date for analysis in journal.semen.latest_until(d("2026-03-19"))] == [
        d("2026-01-20")
    ]
    assert journal.semen.latest_until(date(2025, 12, 31)) == []
    assert [scan.t_score for scan in journal.dexa.latest_until(UNTIL)] == [-1.1]
