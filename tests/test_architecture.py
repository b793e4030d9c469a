"""The design's rules, checked: import contracts, a Qt-free command line, lint-clean code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_line_never_loads_qt(tmp_path: Path) -> None:
    probe = (
        "import sys, json\n"
        "from fertilitytracker.__main__ import main\n"
        "code = main(['--db', sys.argv[1], 'demo'])\n"
        "code += main(['--db', sys.argv[1], 'labs', '--json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(json.dumps({'code': code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "j.sqlite3")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}


def test_the_console_script_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "fertilitytracker"), "--db", str(tmp_path / "j.sqlite3"), "med", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No medications recorded." in result.stdout


def test_ruff_finds_nothing() -> None:
    for args in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        result = subprocess.run(
            [str(BIN / "ruff"), *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_clinical_core_type_checks_strictly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "fertilitytracker/core"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
