"""One window per journal, and the app noticing what the command line wrote meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from fertilitytracker.cli import run
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.single_instance import (
    ExternalWriteWatcher,
    ensure_single_instance,
    instance_key,
)
from fertilitytracker.storage.journal import Journal

pytestmark = pytest.mark.gui

SECOND_LAUNCH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication
    from fertilitytracker.gui.single_instance import ensure_single_instance

    app = QCoreApplication(sys.argv)
    instance = ensure_single_instance(Path(sys.argv[1]))
    print("handed over" if instance is None else "primary", flush=True)
    if instance is not None and len(sys.argv) > 2:
        sys.stdin.readline()  # stay the primary until told to go
    """
)


def _launch(journal: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH, str(journal), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_second_launch_brings_the_first_window_forward(qtbot, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    first = ensure_single_instance(journal)
    assert first is not None and first.listening
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    first.attach(window)
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=15000):
            second = _launch(journal)
        # The first instance's event loop goes on running, as in the app, to send its answer.
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=15000)
        out, err = second.communicate(timeout=15)
    finally:
        first.close()
    assert second.returncode == 0, err
    assert out.strip() == "handed over"
    assert not window.isMinimized()
    assert window.isVisible()


def test_another_journal_gets_its_own_window(qtbot, tmp_path: Path) -> None:
    first = ensure_single_instance(tmp_path / "one.sqlite3")
    assert first is not None
    try:
        other = _launch(tmp_path / "two.sqlite3")
        out, err = other.communicate(timeout=15)
    finally:
        first.close()
    assert out.strip() == "primary", err
    assert instance_key(tmp_path / "one.sqlite3") != instance_key(tmp_path / "two.sqlite3")
    assert instance_key(tmp_path / "one.sqlite3") == instance_key(tmp_path / "." / "one.sqlite3")


def test_a_crashed_first_instance_does_not_block_the_next_launch(qtbot, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    crashed = _launch(journal, "stay")
    assert crashed.stdout is not None
    assert crashed.stdout.readline().strip() == "primary"
    os.kill(crashed.pid, signal.SIGKILL)  # leaves its lock file and socket behind
    crashed.communicate(timeout=15)
    again = ensure_single_instance(journal, timeout_ms=500)
    assert again is not None and again.listening
    again.close()


def test_the_app_notices_what_the_command_line_wrote(qtbot, tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    journal = Journal.open(journal_path)
    context = AppContext(journal)
    watcher = ExternalWriteWatcher(context, interval_ms=20)
    try:
        assert watcher.poll() is False  # nothing written by anyone else yet
        with qtbot.waitSignal(context.journal_changed, timeout=5000):
            assert run(["--db", str(journal_path), "symptom", "2026-01-05", "cramps", "2"]) == 0
        assert [entry.name for entry in context.history().symptoms] == ["cramps"]
    finally:
        journal.close()
