"""`labs --json` reads the last dose before each draw through the journal's index: its output
is the same document as the one built from the whole dose log (docs/cli.md is a contract)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from fertilitytracker.cli import COMMAND_MODULES, build_parser
from fertilitytracker.services.json_views import draw_view_json
from fertilitytracker.services.views import all_draw_views
from tests.builders import dose, draw, open_journal, regimen, semen
from tests.cli.conftest import CliRunner


def _fill(db_path: Path) -> None:
    with open_journal(db_path) as journal:
        regimen(journal, "anastrozole", date(2026, 1, 1), dose="0.5", schedule="every 2 days")
        regimen(journal, "clomiphene", date(2026, 1, 1), dose="25", at=time(21, 0))
        regimen(journal, "hcg", date(2026, 3, 1), dose="1500", unit="IU", schedule="mon,thu")
        for day in range(1, 29):
            taken = datetime(2026, 2, day, 8, 0)
            dose(journal, "anastrozole", taken, skipped=day % 5 == 0)
            dose(journal, "clomiphene", datetime(2026, 2, day, 21, 0))
        # A dose logged at the very minute of the draw counts as before it.
        dose(journal, "anastrozole", datetime(2026, 2, 20, 7, 30))
        draw(journal, date(2026, 2, 20), ("total_testosterone", "450", "ng/dL"), at=time(7, 30))
        draw(journal, date(2026, 2, 25), ("estradiol", "8", "pg/mL"), ("lh", "4", "IU/L"))
        # Drawn the morning after a skipped dose: the last one taken is two days back.
        draw(journal, date(2026, 2, 11), ("total_testosterone", "280", "ng/dL"), at=time(7, 0))
        # No time of draw: no hours since any dose.
        draw(journal, date(2026, 2, 14), ("total_testosterone", "610", "ng/dL"), at=None)
        # Before any dose was logged, and on a day hCG is not active yet.
        draw(journal, date(2026, 1, 2), ("estradiol", "<5", "pg/mL"), at=time(6, 0))
        semen(journal, date(2026, 2, 26))


@pytest.mark.parametrize("units", ["us", "si"])
def test_labs_json_is_the_document_built_from_the_whole_dose_log(
    cli: CliRunner, db_path: Path, units: str
) -> None:
    _fill(db_path)
    with open_journal(db_path) as journal:
        views = all_draw_views(journal.history(), units)  # every dose read, none looked up
    expected = json.dumps([draw_view_json(view) for view in views], ensure_ascii=False)

    outcome = cli("labs", "--json", "--units", units)

    assert outcome.code == 0
    assert outcome.out == expected + "\n"
    hours = [entry["context"]["hours_since_last_dose"] for entry in outcome.json()[:5]]
    assert hours[0] == {"anastrozole": None, "clomiphene": None}  # 2 Jan: none logged yet
    assert hours[1]["anastrozole"] == 47.0  # 11 Feb 07:00: the 10th was skipped
    assert hours[2] == {"anastrozole": None, "clomiphene": None}  # 14 Feb: no time of draw
    assert hours[3]["anastrozole"] == 0.0  # 20 Feb: taken at the minute of the draw


def test_every_command_is_listed_with_the_module_that_adds_it() -> None:
    listed = [name for names in COMMAND_MODULES.values() for name in names]
    action = next(a for a in build_parser()._actions if a.dest == "command")
    assert list(action.choices) == listed  # type: ignore[union-attr]
    for module, names in COMMAND_MODULES.items():
        partial = next(a for a in build_parser([names[0]])._actions if a.dest == "command")
        assert list(partial.choices) == list(names), module  # type: ignore[union-attr]


def test_a_refused_command_line_lists_every_command(cli: CliRunner) -> None:
    outcome = cli("labs", "--bogus")
    assert outcome.code == 2
    assert "unrecognized arguments: --bogus" in outcome.err

    outcome = cli("--passphrase-file", "labs", "no-such-command")
    assert outcome.code == 2
    assert "invalid choice: 'no-such-command'" in outcome.err
    assert "report" in outcome.err  # the whole tree's choices, not journal commands only
