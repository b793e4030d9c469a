"""The one atomic private writer, leftover temporary files and private folders."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fertilitytracker.storage.files import (
    append_private_text,
    atomic_private_file,
    make_private_dirs,
    remove_stale_temp_files,
    write_private_bytes,
)
from tests.builders import broken_off_write, dead_pid, umask


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_writer_makes_a_private_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    with umask(0o000):
        target = tmp_path / "out.csv"
        write_private_bytes(target, b"a,b\n")
    assert target.read_bytes() == b"a,b\n"
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failure_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    assert broken_off_write(tmp_path, atomic_private_file) == ("old", ["out.txt"])


def test_temporaries_of_a_killed_writer_are_removed_on_the_next_write(tmp_path: Path) -> None:
    dead = dead_pid()
    leftovers = [
        tmp_path / f".o.json.{dead}-1a2b3c4d.partial",
        tmp_path / f".journal.sqlite3.{dead}.partial",
        tmp_path / f".journal.sqlite3.{dead}.partial-journal",
    ]
    for item in leftovers:
        item.write_bytes(b"plaintext health data")
    alive = tmp_path / f".o.json.{os.getpid()}-00ff.partial"
    alive.write_bytes(b"being written")
    unrelated = tmp_path / ".o.json.notes"
    unrelated.write_bytes(b"mine")

    write_private_bytes(tmp_path / "o.json", b"{}")
    assert not leftovers[0].exists()  # same target: cleaned by the write itself
    assert leftovers[1].exists()  # another target: left to the start-up sweep

    removed = remove_stale_temp_files(tmp_path)
    assert set(removed) == set(leftovers[1:])
    assert alive.exists() and unrelated.exists()


def test_every_folder_created_is_private_all_the_way(tmp_path: Path) -> None:
    with umask(0o000):
        make_private_dirs(tmp_path / "a" / "b" / "c")
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert _mode(folder) == 0o700, folder


def test_the_crash_log_is_private_even_when_it_existed_with_another_mode(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "deep" / "errors.log"
    with umask(0o000):
        append_private_text(log, "one\n")
    assert _mode(log) == 0o600
    assert _mode(log.parent) == 0o700 and _mode(log.parent.parent) == 0o700
    log.chmod(0o644)
    append_private_text(log, "two\n")
    assert _mode(log) == 0o600
    assert log.read_text(encoding="utf-8") == "one\ntwo\n"
