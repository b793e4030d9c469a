"""The design's rules, checked: import contracts, a Qt-free command line, lint-clean code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGE = ROOT / "fertilitytracker"


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


# Marked gui: it type-checks gui/ against PySide6's own type information, so it runs where Qt
# is installed (not in the headless run, which proves the layers below gui need no Qt).
@pytest.mark.gui
def test_the_package_type_checks() -> None:
    """mypy over the whole package, as `make lint` runs it: core, storage and services
    strictly, gui and cli checked (pyproject.toml [tool.mypy])."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # It checked the package, not nothing: "Success: no issues found in N source files".
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked is not None and int(checked.group(1)) >= len(list(PACKAGE.rglob("*.py")))


def test_the_pre_commit_hooks_run_what_make_lint_runs_without_fetching_anything() -> None:
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    repos = re.findall(r"^\s*-\s*repo:\s*(\S+)", config, flags=re.MULTILINE)
    assert repos == ["local"]  # a hook repository would be cloned from the network
    entries = re.findall(r"^\s*entry:\s*\.venv/bin/(\S+(?: \S+)?)", config, flags=re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    linted = re.findall(r"\$\(BIN\)/(\S+(?: \S+)?)", lint)
    assert sorted(entries) == sorted(linted)


# --- one clock (docs/design.md "core") -------------------------------------------------------

# Reading the system clock: only core/clock.py may; everything else is handed `today`/`now`.
_CLOCK_READS = re.compile(
    r"(?<![.\w])(?:datetime|date)\s*\.\s*(?:now|today|utcnow)\s*\("
    r"|(?<![.\w])time\s*\.\s*(?:time|time_ns|localtime|gmtime|monotonic|perf_counter)\s*\("
    r"|\bQ(?:Date|DateTime|Time)\s*\.\s*current\w*\s*\("
)


def test_only_core_clock_reads_the_clock() -> None:
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() != "core/clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _CLOCK_READS.search(line.split("#", 1)[0])
    ]
    assert found == [], "read the clock through core/clock.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("line", "caught"),
    [
        ("stamp = datetime.now().strftime('%Y')", True),
        ("day = date.today()", True),
        ("started = time.monotonic()", True),
        ("today = QDate.currentDate()", True),
        ("at = datetime.combine(day, time(12, 0))", False),
        ("day = clock.today()", False),
        ('text = draw.time.strftime("%H:%M")', False),
    ],
)
def test_the_clock_scan_catches_what_it_is_for(line: str, caught: bool) -> None:
    assert bool(_CLOCK_READS.search(line)) is caught


# --- one reading, computed once (docs/design.md "One reading, computed once") -------------

# What decides a flag, a floor or an estradiol state: only the core may call it, and only
# services/views.py may ask the core for the reading of a result.
_DECIDERS = re.compile(r"\b(flag_value|below_who|estradiol_state|estradiol_floor)\s*\(")
_READERS = re.compile(r"\b(read_value|read_result)\s*\(")
# A dummy result built only to ask for a range ("LabResult(key, 0.0, ...)").
_DUMMY_RESULT = re.compile(r"\bLabResult\(")
# The floor, or a value compared with a range's bound, written outside the core.
_FLOOR_OR_BOUND = re.compile(
    r"\b10(\.0)?\s*pg/mL|\b36\.7\b"
    r"|[<>]=?\s*[A-Za-z_.]*(target_low|target_high|floor|\.low|\.high|_limit|THRESHOLD\w*)\b"
    r"|\b(target_low|target_high|\.floor|\.low|\.high|_limit|THRESHOLD\w*)\s*[<>]=?[^>]"
)


_SCANS = {"deciders": _DECIDERS, "dummy result": _DUMMY_RESULT, "floor or bound": _FLOOR_OR_BOUND}


def _code_outside_core() -> list[tuple[str, int, str]]:
    lines = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("core/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if code.strip():
                lines.append((relative, number, code))
    return lines


def test_no_module_outside_core_decides_a_flag_or_a_floor() -> None:
    found = [
        f"{path}:{number}: {code.strip()}"
        for path, number, code in _code_outside_core()
        if _DECIDERS.search(code) or (_READERS.search(code) and path != "services/views.py")
    ]
    assert found == [], "decide in core.reading and read the view:\n" + "\n".join(found)


def test_no_module_outside_core_builds_a_result_to_ask_for_a_range() -> None:
    found = [
        f"{path}:{number}: {code.strip()}"
        for path, number, code in _code_outside_core()
        # storage maps stored rows to records: the only other place a result is made.
        if _DUMMY_RESULT.search(code) and not path.startswith("storage/")
    ]
    assert found == [], "ask core.reading.range_in_force instead:\n" + "\n".join(found)


def test_no_module_outside_core_defines_a_range_or_a_floor() -> None:
    found = [
        f"{path}:{number}: {code.strip()}"
        for path, number, code in _code_outside_core()
        if _FLOOR_OR_BOUND.search(code)
    ]
    assert found == [], "ranges and the floor live in core and resources/:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("scan", "line", "caught"),
    [
        ("deciders", "flag = flag_value(value, None, low, high)", True),
        ("dummy result", 'probe = LabResult(key, 0.0, 0.0, "pg/mL")', True),
        ("floor or bound", "if value < result.target_low:", True),
        ("floor or bound", "below = total.value < total_limit", True),
        ("floor or bound", 'floor_text = "the floor of 10 pg/mL"', True),
        ("floor or bound", "below = derived.value < T_E_THRESHOLD_US", True),
        ("floor or bound", "low = result.target_low", False),
    ],
)
def test_the_scans_catch_what_they_are_for(scan: str, line: str, caught: bool) -> None:
    """The patterns above find the code they forbid (a scan that finds nothing proves nothing)."""
    assert bool(_SCANS[scan].search(line)) is caught
