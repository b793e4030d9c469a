"""The full JSON backup: exact restore into an empty journal, merge with dedup, refusals."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import export_journal, import_file, read_file
from fertilitytracker.services.exchange.json_backup import BACKUP_FORMAT, BACKUP_VERSION
from fertilitytracker.services.operations import (
    ResultInput,
    record_draw,
    record_symptom,
    set_target,
)
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal

from .conftest import TODAY, comparable, readings


def _backup(journal: Journal, tmp_path: Path) -> Path:
    target = tmp_path / "backup.json"
    export_journal(journal, target)
    return target


def test_backup_restores_into_an_empty_journal_exactly(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    set_target(demo_journal, "estradiol", "15", "40", "pg/mL", TODAY)
    set_setting(demo_journal, "unit_system", "si")
    backup = _backup(demo_journal, tmp_path)

    plan, change = import_file(other_journal, backup)

    assert plan.skipped_count == 0 and plan.present_count == 0
    assert change is not None and "labs" in change.kinds
    assert comparable(other_journal.history()) == comparable(demo_journal.history())
    assert readings(other_journal) == readings(demo_journal)
    assert other_journal.settings.get("unit_system") == "si"


def test_backup_document_is_versioned_with_the_schema(
    demo_journal: Journal, tmp_path: Path
) -> None:
    document = json.loads(_backup(demo_journal, tmp_path).read_text(encoding="utf-8"))
    assert document["format"] == BACKUP_FORMAT
    assert document["version"] == BACKUP_VERSION
    assert document["schema"] == demo_journal.schema()
    result = document["draws"][0]["results"][0]
    assert isinstance(result["value"], float)  # numbers stay numbers


def test_backup_file_is_private(demo_journal: Journal, tmp_path: Path) -> None:
    backup = _backup(demo_journal, tmp_path)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_second_import_adds_nothing(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    backup = _backup(demo_journal, tmp_path)
    first, _ = import_file(other_journal, backup)
    again, _ = import_file(other_journal, backup)
    assert again.new_count == 0
    assert again.present_count == first.new_count
    assert again.summary() == f"0 new, {first.new_count} already present, 0 skipped"
    assert comparable(other_journal.history()) == comparable(demo_journal.history())


def test_merge_into_a_non_empty_journal_keeps_what_is_there(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    backup = _backup(demo_journal, tmp_path)
    first_draw = demo_journal.history().draws[0]
    # The same testosterone typed by hand, and a symptom only this journal has.
    record_draw(other_journal, first_draw.date, [ResultInput("total_testosterone", "310", "ng/dL")])
    record_symptom(other_journal, TODAY, "headache", 3)
    set_setting(other_journal, "unit_system", "si")

    plan, _ = import_file(other_journal, backup)

    assert plan.present_count == 1
    history = other_journal.history()
    testosterone = [
        d.result("total_testosterone") for d in history.draws if d.date == first_draw.date
    ]
    assert len(testosterone) == 1
    assert any(entry.name == "headache" for entry in history.symptoms)
    assert other_journal.settings.get("unit_system") == "si"  # the journal's own setting wins
    assert not any("unit_system" in notice for notice in plan.notices)  # demo has no setting


def test_merge_reports_a_kept_setting(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    set_setting(demo_journal, "who_edition", "2010")
    backup = _backup(demo_journal, tmp_path)
    set_setting(other_journal, "who_edition", "2021")
    plan, _ = import_file(other_journal, backup)
    assert any("who_edition" in notice and "kept" in notice for notice in plan.notices)
    assert other_journal.settings.get("who_edition") == "2021"


def _write(tmp_path: Path, document: object, name: str = "b.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _minimal(**sections: object) -> dict[str, object]:
    return {"format": BACKUP_FORMAT, "version": 1, "schema": ["0001_initial"], **sections}


def test_a_newer_format_version_is_refused(journal: Journal, tmp_path: Path) -> None:
    path = _write(tmp_path, {**_minimal(), "version": BACKUP_VERSION + 1})
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "version"
    assert "update the app" in refused.value.reason


def test_an_unknown_schema_migration_is_refused(journal: Journal, tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal(schema=["0001_initial", "0099_future"]))
    with pytest.raises(InputError, match="newer version"):
        import_file(journal, path)


def test_one_bad_entry_refuses_the_whole_file_and_names_it(
    journal: Journal, tmp_path: Path
) -> None:
    draws = [
        {
            "date": "2026-01-05",
            "results": [{"analyte": "estradiol", "entered_value": 30, "entered_unit": "pg/mL"}],
        },
        {
            "date": "2026-02-05",
            "results": [
                {"analyte": "estradiol", "entered_value": 30, "entered_unit": "pg/mL"},
                {"analyte": "estradiol", "entered_value": 30, "entered_unit": "IU/L"},
            ],
        },
    ]
    symptoms = [{"date": "2026-01-05", "name": "fatigue", "severity": 4}]
    path = _write(tmp_path, _minimal(draws=draws, symptoms=symptoms))
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "draws entry 2 result 2"
    assert "unit" in refused.value.reason
    assert journal.is_empty()


@pytest.mark.parametrize(
    ("section", "record", "field"),
    [
        ("symptoms", {"date": "2026-02-30", "name": "mood", "severity": 2}, "symptoms entry 1"),
        ("symptoms", {"date": "2026-02-03", "name": "mood", "severity": 11}, "symptoms entry 1"),
        ("semen", {"date": "2026-02-03", "volume_ml": 3}, "semen entry 1"),
        ("dexa", {"date": "2026-02-03", "t_score": "-1,5"}, "dexa entry 1"),
        ("targets", {"analyte": "estradiol", "low": 40, "high": 10}, "targets entry 1"),
        (
            "regimens",
            {
                "name": "anastrozole",
                "steps": [{"date": "2026-01-01", "dose": 1, "unit": "IU", "schedule": "daily"}],
            },
            "regimens entry 1",
        ),
        (
            "regimens",
            {
                "name": "anastrozole",
                "steps": [{"date": "2026-01-01", "dose": 1, "unit": "mg", "schedule": "daily"}],
                "doses": [{"at": "2025-12-01T08:00", "status": "taken"}],
            },
            "regimens entry 1 dose 1",
        ),
        (
            "draws",
            {
                "date": "2026-01-01",
                "results": [
                    {"analyte": "estradiol", "entered_value": None, "entered_unit": "pg/mL"}
                ],
            },
            "draws entry 1 result 1",
        ),
        ("draws", "not an object", "draws entry 1"),
    ],
)
def test_malformed_records_name_their_entry(
    journal: Journal, tmp_path: Path, section: str, record: object, field: str
) -> None:
    path = _write(tmp_path, _minimal(**{section: [record]}))
    with pytest.raises(InputError) as refused:
        read_file(path)
    assert refused.value.field == field


def test_not_json_names_the_line(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(
        '{"format": "fertilitytracker-backup",\n "version": 1,\n oops}', encoding="utf-8"
    )
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "line 3"
    assert "not valid JSON" in refused.value.reason


def test_absurdly_deep_json_gets_a_clean_message(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "file"
    assert "nested more than 64 levels" in refused.value.reason


def test_json_that_is_neither_backup_nor_fhir_is_refused(journal: Journal, tmp_path: Path) -> None:
    path = _write(tmp_path, {"hello": "world"})
    with pytest.raises(InputError, match="neither a Fertility Tracker backup nor FHIR"):
        import_file(journal, path)


def test_forced_json_format_on_a_fhir_file_is_refused(journal: Journal, tmp_path: Path) -> None:
    path = _write(tmp_path, {"resourceType": "Bundle", "type": "collection", "entry": []})
    with pytest.raises(InputError, match="not a Fertility Tracker backup"):
        import_file(journal, path, "json")
