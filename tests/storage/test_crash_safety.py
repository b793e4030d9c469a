"""Crash safety: SIGKILL a process writing through the real CLI at random moments, many times.

After every series of kills the journal must open, pass `check`, and hold every record whose
command had printed its acknowledgement (the CLI prints after the commit). The kill point is
"after N lines of output" (a `begin` before each command, an `ack` after it) plus a random spin
of a few microseconds, so kills land before, inside and after commands, including while the
journal opens, checkpoints on close, or takes its daily backup.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from fertilitytracker.cli import run
from fertilitytracker.storage.backup import list_backups, verify_journal_file
from fertilitytracker.storage.journal import Journal

ROUNDS = 30
MAX_LINES_BEFORE_KILL = 40
LINE_TIMEOUT_S = 20.0
FIRST_LAB_DAY = date(1950, 1, 1)

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from fertilitytracker.cli import run

    db, round_number = sys.argv[1], int(sys.argv[2])
    first_day = date.fromisoformat(sys.argv[3])
    for index in range(100):
        key = round_number * 100 + index
        print(f"begin {key}", flush=True)
        if index % 8 == 7:
            kind, argv = "backup", ["--db", db, "backup"]
        elif index % 2 == 0:
            kind, argv = "symptom", ["--db", db, "symptom", "2026-01-05", f"crash-{key}", "3"]
        else:
            day = (first_day + timedelta(days=key)).isoformat()
            kind, argv = "lab", ["--db", db, "lab", day, "total_testosterone", "500", "ng/dL",
                                 "estradiol", "25", "pg/mL"]
        code = run(argv)
        if code != 0:
            print(f"failed {key} {code}", flush=True)
            sys.exit(code)
        print(f"ack {key} {kind}", flush=True)
    """
)


def _read_line(process: subprocess.Popen[bytes], pending: bytearray) -> str | None:
    """The child's next output line, waiting on the pipe with select (None at end of output)."""
    assert process.stdout is not None
    descriptor = process.stdout.fileno()
    while b"\n" not in pending:
        ready, _, _ = select.select([descriptor], [], [], LINE_TIMEOUT_S)
        assert ready, "the writer produced no output for a long time"
        chunk = os.read(descriptor, 65536)
        if not chunk:
            return None
        pending.extend(chunk)
    line, _, rest = bytes(pending).partition(b"\n")
    pending[:] = rest
    return line.decode()


def _spin(iterations: int) -> None:
    # A random delay without sleeping: moves the kill point inside a command.
    total = 0
    for step in range(iterations):
        total += step


def test_sigkill_at_random_moments_loses_no_acknowledged_record(tmp_path: Path, capsys) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    chooser = random.Random()
    seed = chooser.randrange(2**32)
    chooser.seed(seed)
    acknowledged: dict[int, str] = {}
    kills = kills_mid_command = 0
    started = time.monotonic()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}

    for round_number in range(ROUNDS):
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(journal_path),
                str(round_number),
                FIRST_LAB_DAY.isoformat(),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
        )
        pending = bytearray()
        lines_before_kill = chooser.randint(1, MAX_LINES_BEFORE_KILL)
        last = ""
        for _ in range(lines_before_kill):
            line = _read_line(process, pending)
            assert line is not None, f"writer ended early (seed {seed})"
            assert not line.startswith("failed"), f"{line} (seed {seed})"
            if line.startswith("ack "):
                _, key, kind = line.split()
                acknowledged[int(key)] = kind
            last = line
        _spin(chooser.randint(0, 30_000))
        os.kill(process.pid, signal.SIGKILL)
        kills += 1
        # Lines already in the pipe were printed before the kill: they are acknowledgements too.
        while (line := _read_line(process, pending)) is not None:
            if line.startswith("ack "):
                _, key, kind = line.split()
                acknowledged[int(key)] = kind
            last = line
        process.wait()
        assert process.stderr is not None
        process.stderr.close()
        process.stdout.close()  # type: ignore[union-attr]
        assert process.returncode == -signal.SIGKILL, f"the writer was not killed (seed {seed})"
        if last.startswith("begin "):
            kills_mid_command += 1

    assert run(["--db", str(journal_path), "check"]) == 0
    journal = Journal.open(journal_path, create=False)
    try:
        assert journal.check() == []
        symptoms = {entry.name for entry in journal.symptoms.all()}
        draws = {draw.date: draw for draw in journal.labs.all()}
    finally:
        journal.close()
    for key, kind in sorted(acknowledged.items()):
        if kind == "symptom":
            assert f"crash-{key}" in symptoms, f"acknowledged symptom {key} lost (seed {seed})"
        elif kind == "lab":
            draw = draws.get(FIRST_LAB_DAY + timedelta(days=key))
            assert draw is not None, f"acknowledged draw {key} lost (seed {seed})"
    records = {key for key, kind in acknowledged.items() if kind != "backup"}
    backups = list_backups(journal_path)
    acknowledged_backups = len(acknowledged) - len(records)
    assert sum(1 for backup in backups if backup.kind == "manual") >= acknowledged_backups
    for backup in backups:  # every finished backup is whole (half copies are never renamed in)
        verify_journal_file(backup.path)
    # A draw is all-or-nothing: never one result of the two.
    assert all(len(draw.results) == 2 for draw in draws.values()), f"half a draw (seed {seed})"
    records_in_journal = len(symptoms) + len(draws)
    assert records_in_journal >= len(records)
    elapsed = time.monotonic() - started

    with capsys.disabled():
        print(
            f"\ncrash test: {ROUNDS} rounds, {kills} SIGKILLs ({kills_mid_command} inside a"
            f" command), {len(records)} acknowledged records all present"
            f" ({records_in_journal} in the journal), {len(backups)} backups all verified,"
            f" check passed, {elapsed:.1f} s, seed {seed}"
        )


@pytest.mark.parametrize("point", ["before the commit", "after the commit"])
def test_a_killed_transaction_is_all_or_nothing(tmp_path: Path, point: str) -> None:
    """A process killed inside an open write transaction leaves no trace of it."""
    journal_path = tmp_path / "journal.sqlite3"
    assert run(["--db", str(journal_path), "symptom", "2026-01-05", "kept", "2"]) == 0
    commit = "journal.db.conn.execute('COMMIT')" if point == "after the commit" else "pass"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from datetime import date
        from fertilitytracker.core.records import SymptomEntry
        from fertilitytracker.storage.journal import Journal
        journal = Journal.open(sys.argv[1])
        journal.db.conn.execute("BEGIN IMMEDIATE")
        for index in range(50):
            journal.symptoms.add(SymptomEntry(date(2026, 1, 6), f"partial-{{index}}", 1))
        {commit}
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script, str(journal_path)], check=False)
    assert completed.returncode == -signal.SIGKILL
    journal = Journal.open(journal_path, create=False)
    try:
        names = {entry.name for entry in journal.symptoms.all()}
        assert journal.check() == []
    finally:
        journal.close()
    partial = {name for name in names if name.startswith("partial-")}
    assert "kept" in names
    assert len(partial) == (50 if point == "after the commit" else 0)
