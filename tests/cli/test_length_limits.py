"""Free text is capped, and control characters refused, at every way in."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_OK, EXIT_REFUSED, run
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import (
    MEDICATION_NAME_MAX,
    METHOD_MAX,
    NOTE_MAX,
    PATIENT_NAME_MAX,
    SYMPTOM_NAME_MAX,
)
from fertilitytracker.core.medications import lookup_medication
from fertilitytracker.core.validation import parse_lab_result
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.cli.conftest import med_start


def _cli(capsys, db: Path, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run(["--db", str(db), *argv])
    return code, capsys.readouterr().err


def test_typed_text_over_its_limit_is_refused_naming_the_field(tmp_path: Path, capsys) -> None:
    db = tmp_path / "journal.sqlite3"
    long_med = "x" * (MEDICATION_NAME_MAX + 1)
    code, err = _cli(capsys, db, *med_start(long_med, "1", "mg", "daily", "2026-01-05"))
    assert code == EXIT_REFUSED and "name: at most 80 characters" in err
    code, err = _cli(capsys, db, "symptom", "2026-01-05", "y" * (SYMPTOM_NAME_MAX + 1), "3")
    assert code == EXIT_REFUSED and "name: at most" in err
    code, err = _cli(
        capsys, db, "symptom", "2026-01-05", "tired", "3", "--note", "z" * (NOTE_MAX + 1)
    )
    assert code == EXIT_REFUSED and "note: at most" in err
    code, _ = _cli(capsys, db, "symptom", "2026-01-05", "tired", "3", "--note", "z" * NOTE_MAX)
    assert code == EXIT_OK


@pytest.mark.parametrize("bad", ["tired\nagain", "tired\x00", "tired\x1b[31m"])
def test_symptom_names_refuse_control_characters_as_medication_names_do(
    tmp_path: Path, capsys, bad: str
) -> None:
    db = tmp_path / "journal.sqlite3"
    code, err = _cli(capsys, db, "symptom", "2026-01-05", bad, "3")
    assert code == EXIT_REFUSED and "control characters" in err
    code, err = _cli(capsys, db, "symptom", "2026-01-05", "ok", "3", "--note", "a\x00b")
    assert code == EXIT_REFUSED and "note" in err and "control characters" in err
    code, _ = _cli(capsys, db, "symptom", "2026-01-05", "ok", "3", "--note", "line 1\nline 2")
    assert code == EXIT_OK


def test_method_unit_and_patient_name_are_capped(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at most"):
        parse_lab_result("lh", "4", "IU/L", method="m" * (METHOD_MAX + 1))
    journal = Journal.open(tmp_path / "journal.sqlite3")
    try:
        with pytest.raises(InputError) as refused:
            set_setting(journal, "patient_name", "p" * (PATIENT_NAME_MAX + 1))
        assert refused.value.field == "patient_name"
        set_setting(journal, "patient_name", "Jordan Smith")
    finally:
        journal.close()


def test_a_ten_megabyte_name_in_a_json_backup_is_refused_at_once(tmp_path: Path, capsys) -> None:
    document = {
        "format": "fertilitytracker-backup",
        "version": 1,
        "regimens": [
            {
                "name": "n" * 10_000_000,
                "class": "other",
                "steps": [{"date": "2026-01-05", "dose": 1, "unit": "mg", "schedule": "daily"}],
            }
        ],
        "settings": {"patient_name": "q" * 1_000_000},
    }
    source = tmp_path / "backup.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    started = time.perf_counter()
    code, err = _cli(capsys, tmp_path / "journal.sqlite3", "import", str(source))
    elapsed = time.perf_counter() - started
    assert code == EXIT_REFUSED
    assert "at most" in err and len(err) < 400
    assert elapsed < 20  # a guard against a hang, not a benchmark (bench/ measures speed)


def test_lookup_medication_normalises_a_name_once() -> None:
    from fertilitytracker.core import medications

    medications._lookup.cache_clear()
    for _ in range(1000):
        assert lookup_medication("Clomiphene  Citrate").name == "clomiphene"
    info = medications._lookup.cache_info()
    assert info.misses == 1 and info.hits == 999
