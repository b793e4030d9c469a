"""Helpers for driving the command line in-process against a real journal file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fertilitytracker.cli import run


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CliRunner = Callable[..., Outcome]


def med_start(name: str, dose: str, unit: str, schedule: str, day: str, *more: str) -> list[str]:
    """The arguments of `med start NAME --dose --unit --schedule --date [MORE]` (docs/cli.md)."""
    options = ["--dose", dose, "--unit", unit, "--schedule", schedule, "--date", day]
    return ["med", "start", name, *options, *more]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `fertilitytracker --db <tmp journal> ARGS...` and capture what it printed."""

    def invoke(*args: str) -> Outcome:
        code = run(["--db", str(db_path), *args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke


def journal_dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every user table's rows, to compare a journal before and after a refused command."""
    if not path.exists():
        return []
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return [
            (table, sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr))
            for table in tables
        ]
    finally:
        connection.close()
