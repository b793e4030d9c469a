"""One writer at a time: a second writer waits for the first (busy timeout) and loses nothing."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from fertilitytracker.cli import run
from fertilitytracker.storage.journal import Journal

FIRST_LAB_DAY = date(1990, 1, 1)
WAIT_WHILE_LOCKED_S = 0.6

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date, timedelta
    from fertilitytracker.cli import run

    db, tag, count, kinds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    first_day = date.fromisoformat(sys.argv[5])
    for index in range(count):
        kind = kinds[index % len(kinds)]
        if kind == "s":
            argv = ["--db", db, "symptom", "2026-01-05", f"{tag}-{index}", "3"]
        else:
            day = (first_day + timedelta(days=int(sys.argv[6]) + index)).isoformat()
            argv = ["--db", db, "lab", day, "lh", "4", "IU/L", "fsh", "5", "IU/L"]
        print(f"about to write {index}", flush=True)
        started = time.monotonic()
        code = run(argv)
        print(f"done {index} {code} {time.monotonic() - started:.3f}", flush=True)
        if code != 0:
            sys.exit(code)
    """
)


def _writer(
    journal_path: Path, tag: str, count: int, kinds: str, day_offset: int = 0
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            str(journal_path),
            tag,
            str(count),
            kinds,
            FIRST_LAB_DAY.isoformat(),
            str(day_offset),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _line(process: subprocess.Popen[bytes], timeout_s: float) -> str | None:
    """One line of the writer's output, or None if none came within `timeout_s`."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    if not ready:
        return None
    return process.stdout.readline().decode().strip()


@pytest.mark.parametrize("kinds", ["s", "l"], ids=["symptom", "lab draw"])
def test_the_cli_waits_for_another_writer_and_then_succeeds(tmp_path: Path, kinds: str) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    assert run(["--db", str(journal_path), "lab", "2026-01-01", "lh", "4", "IU/L"]) == 0
    # Another connection (the app, say) holds the write lock with a write in progress.
    holder = sqlite3.connect(journal_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO symptoms (date, name, severity) VALUES ('2026-01-04', 'from the app', 1)"
    )
    writer = _writer(journal_path, "cli", 1, kinds)
    try:
        assert _line(writer, 20) == "about to write 0"
        # While the lock is held the command neither finishes nor fails: it waits.
        assert _line(writer, WAIT_WHILE_LOCKED_S) is None
        assert writer.poll() is None
        holder.execute("COMMIT")
        done = _line(writer, 20)
        while done is not None and not done.startswith("done "):
            done = _line(writer, 20)  # the command's own sentence comes first
    finally:
        holder.close()
        writer.wait(20)
        assert writer.stderr is not None
        errors = writer.stderr.read().decode()
        writer.stdout.close()  # type: ignore[union-attr]
        writer.stderr.close()
    assert done is not None, errors
    _, _, code, seconds = done.split()
    assert code == "0", errors
    assert float(seconds) >= WAIT_WHILE_LOCKED_S * 0.8, "the command did not wait for the lock"
    journal = Journal.open(journal_path, create=False)
    try:
        names = {entry.name for entry in journal.symptoms.all()}
        draws = journal.labs.all()
    finally:
        journal.close()
    assert "from the app" in names
    if kinds == "s":
        assert "cli-0" in names
    else:
        assert FIRST_LAB_DAY in {draw.date for draw in draws}


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    assert run(["--db", str(journal_path), "symptom", "2026-01-01", "first", "1"]) == 0
    per_writer = 40
    writers = [
        _writer(journal_path, "one", per_writer, "sl", day_offset=0),
        _writer(journal_path, "two", per_writer, "ls", day_offset=1000),
    ]
    outputs = []
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        outputs.append((writer.returncode, stderr.decode()))
    assert [code for code, _ in outputs] == [0, 0], outputs
    journal = Journal.open(journal_path, create=False)
    try:
        names = {entry.name for entry in journal.symptoms.all()}
        draw_days = {draw.date for draw in journal.labs.all()}
        assert journal.check() == []
    finally:
        journal.close()
    expected_names = {"first"}
    expected_days = set()
    for tag, kinds, offset in (("one", "sl", 0), ("two", "ls", 1000)):
        for index in range(per_writer):
            if kinds[index % 2] == "s":
                expected_names.add(f"{tag}-{index}")
            else:
                expected_days.add(FIRST_LAB_DAY + timedelta(days=offset + index))
    assert names == expected_names
    assert draw_days == expected_days
