"""The journal settings read back typed: the rule offsets parsed once, with their fallback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fertilitytracker.core.monitoring import default_offsets
from fertilitytracker.services.report import report_settings
from fertilitytracker.services.settings import rule_offsets_setting, set_setting
from fertilitytracker.storage.journal import Journal


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "j.sqlite3")
    yield opened
    opened.close()


def test_no_stored_offsets_means_the_defaults(journal: Journal) -> None:
    setting = rule_offsets_setting(journal)
    assert setting.in_force == default_offsets()
    assert not setting.overridden
    assert setting.refused is None


def test_stored_offsets_apply_over_the_defaults(journal: Journal) -> None:
    set_setting(journal, "rule_offsets", {"hormone_after_change_opens_days": 21})
    setting = rule_offsets_setting(journal)
    assert setting.in_force.hormone_after_change_opens_days == 21
    assert (
        setting.in_force.lipid_yearly_interval_days == default_offsets().lipid_yearly_interval_days
    )
    assert setting.overridden
    assert report_settings(journal).rule_offsets == {"hormone_after_change_opens_days": 21}


@pytest.mark.parametrize(
    ("stored", "named"),
    [
        ({"hormone_after_change_opens_days": 99}, "hormone_after_change_opens_days"),
        ({"no_such_offset": 3}, "offsets"),
        ({"lipid_yearly_interval_days": "a year"}, "lipid_yearly_interval_days"),
        ([1, 2], "rule_offsets"),
    ],
)
def test_a_bad_stored_table_falls_back_to_the_defaults_and_says_why(
    journal: Journal, stored: object, named: str
) -> None:
    journal.settings.set("rule_offsets", stored)  # as an older or hand-edited journal might
    setting = rule_offsets_setting(journal)
    assert setting.in_force == default_offsets()
    assert setting.refused is not None
    assert setting.refused.field == named
