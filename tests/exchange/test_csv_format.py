"""CSV: the app's own export both ways, formula neutralisation, and lab CSVs from other tools."""

from __future__ import annotations

import csv
import io
from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import export_journal, import_file, read_file
from fertilitytracker.services.exchange.csv_export import COLUMNS, neutralise, unquote_cell
from fertilitytracker.services.exchange.plan import DexaItem, LabItem, SemenItem
from fertilitytracker.services.operations import record_dexa, record_symptom
from fertilitytracker.storage.journal import Journal

from .conftest import comparable, readings


def _export(journal: Journal, tmp_path: Path) -> Path:
    target = tmp_path / "journal.csv"
    export_journal(journal, target)
    return target


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the app's own CSV ---------------------------------------------------------------------


def test_export_then_import_into_an_empty_journal_is_lossless(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    path = _export(demo_journal, tmp_path)
    plan, _ = import_file(other_journal, path)
    assert plan.skipped_count == 0
    assert comparable(other_journal.history()) == comparable(demo_journal.history())
    assert readings(other_journal) == readings(demo_journal)


def test_a_repeat_import_adds_nothing(demo_journal: Journal, tmp_path: Path) -> None:
    path = _export(demo_journal, tmp_path)
    plan, _ = import_file(demo_journal, path)
    assert plan.new_count == 0
    assert plan.summary().startswith("0 new, ")
    assert plan.present_count == len(_rows(path)) - sum(
        1 for row in _rows(path) if row["record_type"] == "regimen_step"
    )


def test_export_keeps_entered_and_canonical_values(demo_journal: Journal, tmp_path: Path) -> None:
    rows = _rows(_export(demo_journal, tmp_path))
    assert list(rows[0].keys()) == list(COLUMNS)
    molar = next(r for r in rows if r["analyte"] == "total_testosterone" and r["unit"] == "nmol/L")
    assert molar["value"] == "24.3"
    assert float(molar["value_canonical"]) == pytest.approx(24.3 * 28.842)
    assert molar["unit_canonical"] == "ng/dL"
    below = next(r for r in rows if r["comparator"])
    assert (below["comparator"], below["value"], below["unit"]) == ("<", "8.0", "pg/mL")


def test_export_uses_crlf_and_a_bom(demo_journal: Journal, tmp_path: Path) -> None:
    data = _export(demo_journal, tmp_path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrecord_type,")
    assert b"\r\n" in data


def test_formula_cells_are_neutralised_but_numbers_are_not(
    journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    record_dexa(journal, date(2026, 1, 5), "-1.5", "hip")
    record_symptom(journal, date(2026, 1, 5), '=HYPERLINK("x")', 2, note="-5 and +3 @home")
    record_symptom(journal, date(2026, 1, 6), "@mood", 1, note="\tindented")
    path = _export(journal, tmp_path)
    rows = _rows(path)
    dexa = next(r for r in rows if r["record_type"] == "dexa_scan")
    assert dexa["t_score"] == "-1.5"
    symptoms = [r for r in rows if r["record_type"] == "symptom"]
    assert symptoms[0]["symptom"] == '\'=HYPERLINK("x")'
    assert symptoms[0]["note"] == "'-5 and +3 @home"
    assert symptoms[1]["symptom"] == "'@mood"
    assert symptoms[1]["note"] == "'\tindented"
    import_file(other_journal, path)
    assert comparable(other_journal.history()) == comparable(journal.history())


@given(st.text(max_size=12))
def test_neutralise_round_trips_and_never_starts_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert unquote_cell(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_unknown_record_type_names_the_line(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "record_type,date,symptom,severity\nsymptom,2026-01-05,mood,3\nwish,2026-01-05,,\n"
    )
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "line 3"
    assert journal.is_empty()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("lab_result,2026-01-05,estradiol,30,pg/mL,", ""),
        ("lab_result,2026-13-05,estradiol,30,pg/mL,", "date"),
        ("lab_result,2026-01-05,estradiol,30,IU/L,", "unit"),
        ("lab_result,2026-01-05,estradiol,,pg/mL,", "value"),
        ("lab_result,2026-01-05,estradiol,abc,pg/mL,", "value"),
        ("lab_result,2026-01-05,estradiol,30,pg/mL,<<", "comparator"),
        ("lab_result,2026-01-05,nonsense,30,pg/mL,", "analyte"),
    ],
)
def test_own_csv_lab_rows(journal: Journal, tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "labs.csv"
    path.write_text(f"record_type,date,analyte,value,unit,comparator\r\n{row}\r\n")
    if not reason:
        plan, _ = import_file(journal, path)
        assert plan.new_count == 1
        return
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "line 2"
    assert reason in refused.value.reason
    assert journal.is_empty()


def test_a_dose_without_its_regimen_is_refused(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "dose.csv"
    path.write_text(
        "record_type,medication,regimen_start,date,time,status\n"
        "dose,anastrozole,2026-01-01,2026-01-02,08:00,taken\n"
    )
    with pytest.raises(InputError, match="no regimen row"):
        import_file(journal, path)


# --- lab CSVs from other tools -------------------------------------------------------------


def _lab_items(path: Path) -> list[LabItem]:
    return [item for item in read_file(path).items if isinstance(item, LabItem)]


def test_foreign_headers_in_any_order_and_unknown_columns_noticed(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(
        "Units,Result,Test Name,Collected,Flag,Reference Range,Lab\n"
        "ng/dL,450,Total testosterone,2026-01-05,,300-1000,Quest\n"
        "pmol/L,110,2243-4,2026-01-05 08:30,H,,Quest\n"
    )
    parsed = read_file(path)
    assert parsed.notices == ["columns ignored: Flag, Lab"]
    testosterone, estradiol = parsed.items
    assert isinstance(testosterone, LabItem) and isinstance(estradiol, LabItem)
    assert testosterone.result.analyte == "total_testosterone"
    assert (testosterone.result.lab_low, testosterone.result.lab_high) == (300, 1000)
    assert estradiol.result.analyte == "estradiol"
    assert estradiol.result.value == pytest.approx(110 * 0.27238)
    assert estradiol.result.entered_unit == "pmol/L"
    assert estradiol.time == time(8, 30)


def test_semicolons_decimal_commas_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    text = "Datum;Analyte;Value;Unit;Low;High\r\n05.01.2026;LH;4,5;IU/L;1,7;8,6\r\n"
    path.write_bytes(text.replace("Datum", "date").encode("utf-8-sig"))
    (item,) = _lab_items(path)
    assert item.day == date(2026, 1, 5)
    assert item.result.value == 4.5
    assert (item.result.lab_low, item.result.lab_high) == (1.7, 8.6)


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text("date\tanalyte\tvalue\tunit\n2026-01-05\tFSH\t5.0\tmIU/mL\n", encoding="utf-16")
    (item,) = _lab_items(path)
    assert (item.result.analyte, item.result.value, item.result.entered_unit) == (
        "fsh",
        5.0,
        "mIU/mL",
    )


@pytest.mark.parametrize("missing", ["", "NA", "n/a", "N/A", "-"])
def test_missing_values_are_skipped_never_zero(tmp_path: Path, missing: str) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(f"date,analyte,value,unit\n2026-01-05,estradiol,{missing},pg/mL\n")
    parsed = read_file(path)
    assert parsed.items == []
    assert [s.reason for s in parsed.skipped] == ["no value (empty or NA)"]


def test_comparators_ranges_and_a_zero_zero_range(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(
        "date,analyte,value,unit,reference range,comparator\n"
        "2026-01-05,estradiol,<5,pg/mL,0-0,\n"
        "2026-01-05,psa,0.2,ng/mL,<4.0,\n"
        "2026-01-05,shbg,900,nmol/L,,>\n"
        "2026-01-05,lh,3,IU/L,normal,\n"
    )
    parsed = read_file(path)
    items = {item.result.analyte: item.result for item in parsed.items if isinstance(item, LabItem)}
    assert (
        items["estradiol"].comparator,
        items["estradiol"].lab_low,
        items["estradiol"].lab_high,
    ) == (
        "<",
        None,
        None,
    )
    assert (items["psa"].lab_low, items["psa"].lab_high) == (None, 4.0)
    assert items["shbg"].comparator == ">"
    assert parsed.notices == ["line 5: reference range 'normal' not understood; ignored"]


def test_unknown_analytes_are_skipped_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text("date,test,value,unit\n2026-01-05,Ferritin,80,ng/mL\n2026-01-05,LH,3,IU/L\n")
    parsed = read_file(path)
    assert len(parsed.items) == 1
    assert parsed.skipped[0].where == "line 2"
    assert "unknown analyte 'Ferritin'" in parsed.skipped[0].reason


def test_semen_rows_of_one_date_become_one_analysis(tmp_path: Path) -> None:
    path = tmp_path / "semen.csv"
    path.write_text(
        "date,loinc,value,unit\n"
        "2026-01-05,3160-9,3.0,mL\n"
        "2026-01-05,9780-8,20,x10^6/mL\n"
        "2026-01-05,6800-7,50,%\n"
        "2026-01-05,38267-1,-1.5,\n"
    )
    parsed = read_file(path)
    semen = [item for item in parsed.items if isinstance(item, SemenItem)]
    dexa = [item for item in parsed.items if isinstance(item, DexaItem)]
    assert semen[0].analysis.volume_ml == 3.0
    assert semen[0].analysis.concentration_m_per_ml == 20
    assert semen[0].analysis.total_motility_pct == 50
    assert semen[0].where == "line 2, 3, 4"
    assert dexa[0].scan.t_score == -1.5


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        ("date,analyte,value,unit\n01/05/2026,LH,3,IU/L\n", "line 2", "date"),
        ("date,analyte,value,unit\n2026-01-05,LH,3,ng/dL\n", "line 2", "unit"),
        ('date,analyte,value,unit\n2026-01-05,LH,"3,5",IU/L\n', "line 2", "value"),
        ("date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n,LH,4,IU/L\n", "line 3", "date"),
        ("analyte,value,unit\nLH,3,IU/L\n", "line 1", "no date column"),
        ("date,value,unit\n2026-01-05,3,IU/L\n", "line 1", "no analyte column"),
        ("date,analyte,unit\n2026-01-05,LH,IU/L\n", "line 1", "no value column"),
        (
            "date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n2026-01-06,LH,\x004,IU/L\n",
            "line 3",
            "NUL character",
        ),
        ("date,analyte,value,unit\n2026-01-05,estradiol,-3,pg/mL\n", "line 2", "estradiol"),
    ],
)
def test_malformed_foreign_rows_refuse_the_file(
    journal: Journal, tmp_path: Path, content: str, field: str, reason: str
) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(content)
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == field
    assert reason in refused.value.reason
    assert journal.is_empty()


def test_invalid_utf8_in_a_csv_names_the_line(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_bytes(b"date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n2026-01-06,LH\xe9,3,IU/L\n")
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field.startswith("line")
    assert "UTF-8" in refused.value.reason


def test_a_foreign_lab_import_is_not_doubled_on_repeat(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text("date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n2026-01-05,FSH,4,IU/L\n")
    first, _ = import_file(journal, path)
    again, _ = import_file(journal, path)
    assert (first.new_count, again.new_count, again.present_count) == (2, 0, 2)


def test_a_large_csv_streams(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    buffer = io.StringIO()
    buffer.write("date,analyte,value,unit\n")
    for day in range(1, 2001):
        moment = date.fromordinal(date(2020, 1, 1).toordinal() + day)
        buffer.write(f"{moment.isoformat()},LH,{day % 9 + 1},IU/L\n")
    path.write_text(buffer.getvalue())
    plan, _ = import_file(journal, path)
    assert plan.new_count == 2000
    assert len(journal.history().draws) == 2000


class _CountingText(io.StringIO):
    """A text file that remembers how many lines have been read from it."""

    lines_read = 0

    def __next__(self) -> str:
        self.lines_read += 1
        return super().__next__()

    def readline(self, size: int | None = -1) -> str:
        self.lines_read += 1
        return super().readline(size)


def test_the_row_reader_reads_a_big_file_row_by_row_not_all_at_once() -> None:
    from fertilitytracker.services.exchange.csv_format import _open_table

    body = "".join(f"2024-01-{1 + n % 28:02d},lh,{n % 9 + 1},IU/L\n" for n in range(50_000))
    handle = _CountingText("date,analyte,value,unit\n" + body)
    table = _open_table(handle)
    first = [next(table.rows) for _ in range(3)]
    assert [line for line, _ in first] == [2, 3, 4]
    # Three rows asked for: only a few lines taken from the file, not its 50,000.
    assert handle.lines_read < 100
