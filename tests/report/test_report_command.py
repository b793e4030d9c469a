"""The report command run in a longer-lived process (the tests, a script calling `run`)."""

from __future__ import annotations

import gc
from pathlib import Path

from fertilitytracker.cli import run
from fertilitytracker.storage.journal import Journal


def test_the_garbage_collector_runs_again_after_a_report(filled: Journal, tmp_path: Path) -> None:
    # The command pauses it while it builds (cli/report_commands.py), written or refused.
    assert run(["--db", str(filled.path), "report", str(tmp_path / "report.pdf")]) == 0
    assert gc.isenabled()
    assert run(["--db", str(filled.path), "report", str(tmp_path / "no" / "r.pdf")]) == 2
    assert gc.isenabled()
