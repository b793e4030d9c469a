"""`labs --json` prints, byte for byte, the document docs/cli.md describes.

One journal holds each case the contract names: a clinician's target and a lab's printed
range, a one-sided range, censored values, an estradiol under the floor while an aromatase
inhibitor is active and the same value after it stopped, a draw without a time, a semen
analysis and a DEXA scan; in US and in SI units. The expected documents are written out in
full in tests/fixtures/labs_json_{us,si}.json, so that any change to a key, a number or the
way it is printed fails; the second test says what the main values mean.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest

from fertilitytracker.cli import run
from fertilitytracker.services import operations
from fertilitytracker.services.json_views import context_json
from fertilitytracker.services.operations import ResultInput
from fertilitytracker.services.views import all_draw_views
from tests.builders import dexa, dose, open_journal, regimen, semen
from tests.cli.conftest import CliRunner


def _fill(db_path: Path) -> None:
    with open_journal(db_path) as journal:
        regimen(journal, "anastrozole", date(2026, 1, 5), dose="0.5")
        operations.stop_regimen(journal, "anastrozole", date(2026, 3, 1))
        dose(journal, "anastrozole", datetime(2026, 2, 2, 7, 0))
        operations.set_target(journal, "estradiol", "20", "40", "pg/mL", date(2026, 1, 10))
        operations.record_draw(
            journal,
            date(2026, 2, 2),
            [
                ResultInput("total_testosterone", "8.67", "nmol/L"),
                ResultInput("estradiol", "<15", "pg/mL"),
                ResultInput("lh", "4", "IU/L", lab_low="1.5", lab_high="9.3"),
                ResultInput("shbg", "31", "nmol/L", lab_high="50"),
            ],
            time(7, 45),
            True,
        )
        operations.record_draw(
            journal,
            date(2026, 3, 10),
            [
                ResultInput("total_testosterone", "612", "ng/dL"),
                ResultInput("estradiol", "15", "pg/mL"),
                ResultInput("fsh", ">20", "IU/L"),
            ],
            None,
            None,
        )
        semen(
            journal,
            date(2026, 3, 12),
            volume="2.0",
            concentration="10",
            total_motility="30",
            progressive="20",
        )
        dexa(journal, date(2026, 3, 20), "-1.2")


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("units", ["us", "si"])
def test_labs_json_is_the_documented_document_byte_for_byte(
    cli: CliRunner, db_path: Path, units: str
) -> None:
    _fill(db_path)
    expected = json.loads((FIXTURES / f"labs_json_{units}.json").read_text(encoding="utf-8"))

    outcome = cli("labs", "--json", "--units", units)

    assert outcome.code == 0
    # On one line when read by a program (docs/cli.md: exactly one JSON document).
    assert outcome.out == json.dumps(expected, ensure_ascii=False) + "\n"


def test_the_documented_cases_read_as_docs_clinical_says(cli: CliRunner, db_path: Path) -> None:
    _fill(db_path)
    on_inhibitor, after, semen_draw, scan = cli("labs", "--json").json()
    testosterone, estradiol, lh, shbg = on_inhibitor["results"]
    assert (testosterone["value"], testosterone["entered_value"]) == (250.06, 8.67)
    assert (testosterone["flag"], testosterone["range_source"]) == ("low", "default")
    # Under the clinician's low bound while anastrozole is active (§4), censored (§1).
    assert (estradiol["comparator"], estradiol["flag"]) == ("<", "low")
    assert (estradiol["target_low"], estradiol["range_source"]) == (20.0, "clinician")
    assert estradiol["over_suppression"] == "below_floor"
    assert (lh["target_low"], lh["target_high"], lh["range_source"]) == (1.5, 9.3, "lab")
    # A lab printing only a top: the bottom is the default's.
    assert (shbg["target_low"], shbg["target_high"], shbg["range_source"]) == (17.0, 50.0, "lab")
    assert on_inhibitor["derived"]["t_e_ratio"] is None  # a censored estradiol
    assert on_inhibitor["context"]["hours_since_last_dose"] == {"anastrozole": 0.8}
    assert [note["note"] for note in on_inhibitor["context"]["notes"]] == ["unconfirmed_low"]
    # After anastrozole stopped: the same estradiol is low, with no floor to be under.
    assert after["results"][1]["over_suppression"] is None
    assert (after["results"][2]["comparator"], after["results"][2]["flag"]) == (">", "high")
    assert after["context"] == {
        "time": None,
        "fasting": None,
        "hours_since_last_dose": {},
        "notes": [],
    }
    assert semen_draw["derived"] == {
        "total_sperm_count": 20.0,
        "tmsc": 6.0,
        "tmsc_progressive": 4.0,
    }
    assert [r["range_source"] for r in semen_draw["results"]] == ["WHO 2021"] * 5
    assert (scan["kind"], scan["results"][0]["flag"]) == ("dexa", "low")


@pytest.mark.parametrize("enabled", [True, False])
def test_labs_leaves_the_garbage_collector_as_it_found_it(
    cli: CliRunner, db_path: Path, enabled: bool
) -> None:
    # labs pauses the cyclic collector while it builds years of views: a program that runs it
    # in-process (these tests do) keeps its own setting.
    _fill(db_path)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert cli("labs", "--json").code == 0
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_last_dose_is_looked_up_only_for_regimens_active_on_the_draws_day(
    cli: CliRunner, db_path: Path
) -> None:
    with open_journal(db_path) as journal:
        regimen(journal, "clomiphene", date(2026, 1, 1), dose="25")
        operations.stop_regimen(journal, "clomiphene", date(2026, 2, 1))
        regimen(journal, "anastrozole", date(2026, 1, 15), dose="0.5")
        dose(journal, "clomiphene", datetime(2026, 1, 20, 8, 0))
        dose(journal, "anastrozole", datetime(2026, 1, 20, 8, 0))
        for day in (date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 10)):
            operations.record_draw(journal, day, [ResultInput("lh", "4", "IU/L")], time(9, 0), None)
        whole_log = all_draw_views(journal.history())  # every dose read, none looked up

    printed = cli("labs", "--json").json()

    assert [draw["context"] for draw in printed] == [
        context_json(view.context) for view in whole_log if view.context is not None
    ]
    assert [draw["context"]["hours_since_last_dose"] for draw in printed] == [
        {"clomiphene": None},  # anastrozole not started yet
        {"clomiphene": 1.0, "anastrozole": 1.0},
        {"anastrozole": 505.0},  # clomiphene stopped
    ]


def test_labs_loads_only_what_it_prints(db_path: Path) -> None:
    # A reading command's start is most of its time: once the day's backup is taken, it needs
    # nothing of the backup module, nor of the report, the file formats or the charts.
    _fill(db_path)
    assert run(["--db", str(db_path), "labs", "--json"]) == 0  # takes the day's backup
    probe = (
        "import sys, json, io, contextlib\n"
        "from fertilitytracker.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['--db', sys.argv[1], 'labs', '--json'])\n"
        "unwanted = ('numpy', 'PySide6', 'pyqtgraph', 'reportlab')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in unwanted\n"
        "    or m == 'fertilitytracker.storage.backup'\n"
        "    or m.startswith(('fertilitytracker.services.exchange',"
        " 'fertilitytracker.services.report')))\n"
        "print(json.dumps({'code': code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(db_path)], capture_output=True, text=True, check=False
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == {"code": 0, "loaded": []}
