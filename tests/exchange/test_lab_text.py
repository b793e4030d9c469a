"""Reading lab results from text: samples in the layouts of several labs, line by line."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.lab_text import (
    LabText,
    ReadResult,
    decimal_style,
    read_lab_text,
    store_preview,
    validated_results,
)

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "lab_text"

# (line, analyte, comparator, value, unit as printed, lab low, lab high, lab flag)
Row = tuple[int, str, str | None, float, str, float | None, float | None, str | None]

QUEST: list[Row] = [
    (9, "total_testosterone", None, 245, "ng/dL", 250, 1100, "L"),
    (10, "free_testosterone", None, 52.1, "pg/mL", 35.0, 155.0, None),
    (11, "estradiol", None, 22, "pg/mL", None, 29, None),
    (12, "lh", None, 3.2, "mIU/mL", 1.5, 9.3, None),
    (13, "fsh", None, 4.1, "mIU/mL", 1.4, 12.8, None),
    (14, "shbg", None, 38, "nmol/L", 10, 50, None),
    (15, "prolactin", None, 9.6, "ng/mL", 2.0, 18.0, None),
    (16, "psa", None, 0.6, "ng/mL", None, 4.0, None),
    (17, "hematocrit", None, 47.2, "%", 38.5, 50.0, None),
    (18, "total_cholesterol", None, 212, "mg/dL", None, 200, "H"),
    (19, "hdl", None, 38, "mg/dL", 40, None, "L"),
    (20, "triglycerides", None, 160, "mg/dL", None, 150, "H"),
    (21, "ldl", None, 142, "mg/dL", None, None, "H"),
]
LABCORP: list[Row] = [
    (11, "total_testosterone", None, 245, "ng/dL", 264, 916, "Low"),
    (12, "free_testosterone", None, 6.1, "pg/mL", 8.7, 25.1, None),
    (13, "estradiol", None, 18.3, "pg/mL", 8.0, 35.0, None),
    (14, "lh", None, 4.2, "mIU/mL", 1.7, 8.6, None),
    (15, "fsh", None, 5.0, "mIU/mL", 1.5, 12.4, None),
    (16, "shbg", None, 41.8, "nmol/L", 16.5, 55.9, None),
    (17, "prolactin", None, 11.2, "ng/mL", 4.0, 15.2, None),
    (18, "psa", None, 0.7, "ng/mL", 0.0, 4.0, None),
    (19, "hematocrit", None, 51.9, "%", 37.5, 51.0, "High"),
    (20, "albumin", None, 4.6, "g/dL", 4.1, 5.1, None),
]
NHS: list[Row] = [
    (7, "total_testosterone", None, 8.5, "nmol/L", 8.6, 29.0, "L"),
    (8, "shbg", None, 32, "nmol/L", 18.3, 54.1, None),
    (9, "estradiol", None, 95, "pmol/L", None, 146, None),
    (10, "lh", None, 4.1, "IU/L", 1.7, 8.6, None),
    (11, "fsh", None, 5.2, "IU/L", 1.5, 12.4, None),
    (12, "prolactin", None, 210, "mIU/L", 86, 324, None),
    (13, "hematocrit", None, 0.53, "L/L", 0.40, 0.50, "*"),
    (14, "albumin", None, 44, "g/L", 35, 50, None),
    (15, "psa", None, 0.8, "ug/L", None, 4.0, None),
    (16, "total_cholesterol", None, 5.6, "mmol/L", None, None, None),
    (17, "hdl", None, 1.1, "mmol/L", 1.0, None, None),
    (18, "triglycerides", None, 1.9, "mmol/L", None, 1.7, None),
]
GERMAN: list[Row] = [
    (8, "total_testosterone", None, 4.12, "ng/ml", 2.49, 8.36, None),
    (9, "free_testosterone", None, 68.5, "pg/ml", 46.0, 224.0, None),
    (10, "estradiol", None, 28.4, "pg/ml", 11.3, 43.2, None),
    (11, "lh", None, 4.8, "mIU/ml", 1.7, 8.6, None),
    (12, "fsh", None, 3.9, "mIU/ml", 1.5, 12.4, None),
    (13, "shbg", None, 35.2, "nmol/l", 18.3, 54.1, None),
    (14, "prolactin", None, 9.8, "ng/ml", 4.0, 15.2, None),
    (16, "albumin", None, 4.5, "g/dl", 3.5, 5.2, None),
    (17, "hematocrit", None, 46.5, "%", 40.0, 52.0, None),
    (18, "psa", None, 0.92, "ng/ml", None, 4.0, None),
    (19, "total_cholesterol", None, 212, "mg/dl", None, 200, "+"),
    (20, "hdl", None, 48, "mg/dl", 40, None, None),
    (21, "ldl", None, 138, "mg/dl", None, 130, "+"),
    (22, "triglycerides", None, 1.71, "mmol/l", None, 1.70, "+"),
]
PORTAL: list[Row] = [
    (7, "total_testosterone", None, 312, "ng/dL", 264, 916, None),
    (8, "free_testosterone", None, 9.1, "ng/dL", 4.6, 22.4, None),
    (9, "estradiol", "<", 5, "pg/mL", None, 39, None),
    (10, "lh", None, 2.9, "mIU/mL", 1.7, 8.6, None),
    (11, "fsh", None, 3.3, "mIU/mL", 1.5, 12.4, None),
    (12, "shbg", None, 28, "nmol/L", 10, 57, None),
    (13, "hematocrit", None, 49.8, "%", 38.3, 48.6, "H"),
    (14, "psa", None, 1.2, "ng/mL", 0, 4, None),
    (15, "hdl", None, 52, "mg/dL", 40, None, None),
    (16, "ldl", None, 96, "mg/dL", None, 100, None),
]

# sample file, date order chosen, expected draw date, time, fasting, rows, not-read line numbers
CASES = {
    "quest.txt": ("mdy", date(2026, 3, 14), time(7, 45), True, QUEST, [22, 24, 25]),
    "labcorp.txt": ("mdy", date(2026, 3, 14), time(8, 20), False, LABCORP, []),
    "nhs.txt": (None, date(2026, 3, 14), time(8, 10), None, NHS, [19]),
    "german.txt": (None, date(2026, 3, 14), time(7, 30), True, GERMAN, [23]),
    "portal_tabs.txt": (None, date(2026, 3, 14), time(7, 45), None, PORTAL, [17]),
}
LINE_CASES = [
    pytest.param(name, row, id=f"{name}:{row[0]}:{row[1]}")
    for name, case in CASES.items()
    for row in case[4]
]


def read_sample(name: str) -> LabText:
    order = CASES[name][0]
    return read_lab_text((SAMPLES / name).read_text("utf-8"), order)  # type: ignore[arg-type]


def result_on_line(lab_text: LabText, line: int) -> ReadResult:
    matches = [result for result in lab_text.results if result.line_number == line]
    assert len(matches) == 1, f"line {line}: {matches}"
    return matches[0]


@pytest.mark.parametrize("name", list(CASES))
def test_each_sample_reads_its_draw_and_exactly_its_results(name: str) -> None:
    _, day, moment, fasting, rows, not_read = CASES[name]
    lab_text = read_sample(name)
    assert len(lab_text.draws) == 1
    draw = lab_text.draws[0]
    assert (draw.date, draw.time, draw.fasting) == (day, moment, fasting)
    assert [result.line_number for result in draw.results] == [row[0] for row in rows]
    assert [line.line_number for line in draw.not_read] == not_read


@pytest.mark.parametrize(("name", "row"), LINE_CASES)
def test_every_line_reads_value_unit_comparator_range_and_flag(name: str, row: Row) -> None:
    line, analyte, comparator, value, unit, low, high, flag = row
    result = result_on_line(read_sample(name), line)
    assert result.analyte == analyte
    assert result.comparator == comparator
    assert result.value == pytest.approx(value, abs=0)
    assert result.unit == unit
    assert (result.lab_low, result.lab_high) == (low, high)
    assert result.flag == flag


@pytest.mark.parametrize("name", list(CASES))
def test_every_readable_sample_result_passes_the_lab_builder_except_refused_units(
    name: str,
) -> None:
    lab_text = read_sample(name)
    refused = {r.line_number for r in lab_text.results if isinstance(store_preview(r), Exception)}
    # NHS prolactin in mIU/L is printed as the lab gives it and refused without the lab's factor.
    assert refused == ({12} if name == "nhs.txt" else set())


def test_a_unit_that_does_not_belong_to_the_analyte_is_flagged_not_dropped() -> None:
    lab_text = read_lab_text("Collected: 2026-03-14\nEstradiol  24  mg/dL  (10 - 40)\n")
    (result,) = lab_text.results
    assert result.problem is not None and "mg/dL" in result.problem
    with pytest.raises(InputError, match="line 2"):
        validated_results(lab_text.draws[0])


def test_what_it_stores_is_the_lab_builders_canonical_value() -> None:
    result = result_on_line(read_sample("nhs.txt"), 7)
    stored = store_preview(result)
    assert not isinstance(stored, Exception)
    assert stored.value == pytest.approx(8.5 * 28.842)
    assert stored.lab_low == pytest.approx(8.6 * 28.842)
    assert (stored.entered_value, stored.entered_unit) == (8.5, "nmol/L")


def test_quest_method_comes_from_the_printed_name() -> None:
    lab_text = read_sample("quest.txt")
    assert result_on_line(lab_text, 9).method == "LC-MS/MS"
    assert result_on_line(lab_text, 12).method is None


@pytest.mark.parametrize(
    ("printed", "comparator", "value", "low", "high"),
    [
        ("Testosterone, Total, LC/MS  245 ng/dL 264-916", None, 245, 264, 916),
        ("Testosterone Total: 8,67 nmol/L (8,6 - 29,0)", None, 8.67, 8.6, 29.0),
        ("Estradiol, Sensitive  <5 pg/mL  <=39", "<", 5, None, 39),
        ("E2  < 5.0  pg/mL  < 39", "<", 5.0, None, 39),
        ("E2  19 pg/mL  ≤ 39", None, 19, None, 39),
        ("Luteinizing Hormone  pg/mL", None, None, None, None),
        ("LH  IU/L  4.2  Male: 10-40  Female: 2-90", None, 4.2, 10, 40),
        ("FSH  mIU/mL 3.1", None, 3.1, None, None),
        ("Total T  1,050 ng/dL  264-1,100", None, 1050, 264, 1100),
        ("PSA  >100  ng/mL", ">", 100, None, None),
    ],
)
def test_printed_forms_of_values_and_ranges(
    printed: str,
    comparator: str | None,
    value: float | None,
    low: float | None,
    high: float | None,
) -> None:
    text = f"Collected: 2026-03-14\n{printed}\nHDL 52.5 mg/dL\n"
    lab_text = read_lab_text(text)
    if value is None:
        assert [line.line_number for line in lab_text.not_read] == [2]
        return
    result = result_on_line(lab_text, 2)
    assert (result.comparator, result.value, result.lab_low, result.lab_high) == (
        comparator,
        value,
        low,
        high,
    )


@pytest.mark.parametrize(
    "printed",
    [
        "Testosterone, Bioavailable  140 ng/dL",  # an analyte the app does not record
        "Testosterone  245  250  ng/dL",  # two values: which one?
        "Estradiol  24 pg/mL  32 pmol/L",  # two units
        "Testosterone  245 ng/dL  264-916  300-1000",  # two ranges
        "SHBG  31.2.4 nmol/L",
    ],
)
def test_a_line_that_cannot_be_read_exactly_is_listed_not_guessed(printed: str) -> None:
    lab_text = read_lab_text(f"Collected: 2026-03-14\nHDL 52 mg/dL\n{printed}\n")
    assert [line.line_number for line in lab_text.not_read] == [3]
    assert [result.line_number for result in lab_text.results] == [2]


def test_a_thousands_comma_is_not_guessed_when_the_report_uses_no_decimal_point() -> None:
    lab_text = read_lab_text("Collected: 2026-03-14\nTotal T  1,050 ng/dL\nLH 4 IU/L\n")
    assert [line.line_number for line in lab_text.not_read] == [2]
    assert decimal_style("T 4,12 and 5,3") == "comma"
    assert decimal_style("T 4.12 and 5.3 on 14.03.2026") == "point"


@pytest.mark.parametrize(
    ("printed", "order", "expected"),
    [
        ("Collected: 2026-03-14 07:45", None, (date(2026, 3, 14), time(7, 45))),
        ("Collection Date: 2026-03-14T16:05", None, (date(2026, 3, 14), time(16, 5))),
        ("Collected: 14 March 2026 at 7:45 PM", None, (date(2026, 3, 14), time(19, 45))),
        ("Date collected: Mar 4, 2026", None, (date(2026, 3, 4), None)),
        ("Entnahme: 4.3.2026 7:30", None, (date(2026, 3, 4), time(7, 30))),
        ("Collected: 03/04/2026 07:45", "mdy", (date(2026, 3, 4), time(7, 45))),
        ("Collected: 03/04/2026 07:45", "dmy", (date(2026, 4, 3), time(7, 45))),
        ("Collected: 03/14/2026   Received: 03/14/2026 10:02", "mdy", (date(2026, 3, 14), None)),
    ],
)
def test_collection_dates_and_times(
    printed: str, order: str | None, expected: tuple[date, time | None]
) -> None:
    lab_text = read_lab_text(f"{printed}\nLH 4.2 IU/L\n", order)  # type: ignore[arg-type]
    draw = lab_text.draws[0]
    assert (draw.date, draw.time) == expected


def test_an_ambiguous_date_is_refused_until_a_date_order_is_chosen() -> None:
    text = "Collected: 03/14/2026 07:45\nLH 4.2 IU/L\n"
    unread = read_lab_text(text)
    assert unread.draws[0].date is None
    assert unread.needs_date_order
    assert "03/14/2026" in (unread.draws[0].date_problem or "")
    assert read_lab_text(text, "mdy").draws[0].date == date(2026, 3, 14)
    impossible = read_lab_text(text, "dmy").draws[0]
    assert impossible.date is None and "not a date" in (impossible.date_problem or "")


def test_other_dates_are_never_taken_for_the_draw() -> None:
    text = "DOB: 1988-05-22\nReported: 2026-03-16\nLH 4.2 IU/L\n"
    assert read_lab_text(text).draws[0].date is None


def test_two_collection_dates_make_two_draws() -> None:
    text = (
        "Collected: 2026-01-05 08:00\nTotal T 250 ng/dL\nE2 30 pg/mL\n"
        "Collected: 2026-03-14 07:40\nTotal T 420 ng/dL\n"
    )
    draws = read_lab_text(text).draws
    assert [(d.date, len(d.results)) for d in draws] == [
        (date(2026, 1, 5), 2),
        (date(2026, 3, 14), 1),
    ]


def test_the_same_analyte_twice_in_a_draw_is_flagged() -> None:
    lab_text = read_lab_text("Collected: 2026-03-14\nLH 4.2 IU/L\nLH 4.4 IU/L\n")
    assert [r.problem is not None for r in lab_text.results] == [False, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Total T 250 ng/dL\n" * 60_000, "too long"),
        ("Total T 250 ng/dL\n" * 501, "more than a lab report"),
        ("x" * 10 * 1024 * 1024, "too long"),
        ("%PDF-1.7\n\x00\x01\x02 binary stream \x00\x00 Testosterone 250 ng/dL", "binary"),
        ("Dear patient,\nyour results are normal.\nKind regards\n", "no lab results"),
        ("", "no lab results"),
    ],
)
def test_hostile_text_gets_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_lab_text(text)
