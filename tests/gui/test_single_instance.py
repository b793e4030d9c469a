"""One window per journal, and the app noticing what the command line wrote meanwhile."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from fertilitytracker.cli import run
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.single_instance import (
    ExternalWriteWatcher,
    _hand_over,
    _socket_is_ours,
    ensure_single_instance,
    instance_key,
    runtime_dir,
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


def test_the_lock_and_socket_live_in_a_private_runtime_folder(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="ft-run-"))  # short: socket paths are limited
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    journal = tmp_path / "journal.sqlite3"
    first = ensure_single_instance(journal)
    assert first is not None and first.listening
    digest = instance_key(journal).removeprefix("fertilitytracker-")
    try:
        folder = runtime / "fertilitytracker"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert sorted(item.name for item in folder.iterdir()) == [
            f"{digest}.lock",
            f"{digest}.sock",
        ]
        assert not list(Path(tempfile.gettempdir()).glob(f"{instance_key(journal)}*"))
    finally:
        first.close()
        shutil.rmtree(runtime)


def test_a_runtime_folder_others_can_enter_is_never_used(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    assert runtime_dir().parent != shared
    assert not (shared / "fertilitytracker").exists()


def test_a_socket_that_is_not_a_socket_of_this_user_is_not_spoken_to(qtbot, tmp_path: Path) -> None:
    impostor = tmp_path / "impostor.socket"
    impostor.write_text("not a socket")
    assert not _socket_is_ours(str(impostor))
    assert not _hand_over(str(impostor), 200)


def test_a_lock_left_by_a_terminated_instance_is_cleaned(qtbot, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    stopped = _launch(journal, "stay")
    assert stopped.stdout is not None
    assert stopped.stdout.readline().strip() == "primary"
    os.kill(stopped.pid, signal.SIGTERM)
    stopped.communicate(timeout=15)
    again = ensure_single_instance(journal, timeout_ms=500)
    assert again is not None and again.listening
    assert not again.key.endswith("-second"), "the stale lock was taken over, not worked around"
    again.close()
