"""The entry point: no command opens the app at once; anything else goes to the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fertilitytracker.__main__ import _app_arguments

PROBE = """
import sys
from fertilitytracker import __main__ as entry
def fake_open(path, minimized=False):
    print(path, minimized, "fertilitytracker.storage" in sys.modules)
    return 0
entry._open_app = fake_open
sys.exit(entry.main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (None, False)),
        (["--db", "j.sqlite3"], ("j.sqlite3", False)),
        (["--db=j.sqlite3", "--minimized"], ("j.sqlite3", True)),
        (["--minimized"], (None, True)),
        (["--db"], None),
        (["--db", "--minimized"], None),
        (["labs"], None),
        (["--db", "j.sqlite3", "labs", "--json"], None),
        (["--help"], None),
        (["--version"], None),
        (["--bogus"], None),
    ],
)
def test_only_plain_app_arguments_skip_the_command_line(
    argv: list[str], expected: tuple[str | None, bool] | None
) -> None:
    assert _app_arguments(argv) == expected


def test_opening_the_app_does_not_load_the_storage_layer_before_the_window(tmp_path) -> None:
    journal = tmp_path / "j.sqlite3"
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(journal), "--minimized"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.split() == [str(journal), "True", "False"]


def test_a_command_still_reaches_the_command_line(tmp_path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(tmp_path / "j.sqlite3"), "med", "list"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0
    assert "True" not in completed.stdout  # the fake app never opened
