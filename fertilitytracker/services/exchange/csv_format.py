"""CSV in: the app's own export (a `record_type` column) and lab results from other tools.

The app's CSV (columns and cell quoting in csv_export) is read back exactly as written; the
`'` a formula-like text cell carries is removed again. Rows are read one at a time.

Any other CSV is read as lab results: columns found by header name in any order (see
`FOREIGN_HEADERS` in csv_lab_columns), unknown columns ignored with a notice; UTF-8 with or
without BOM or UTF-16 with BOM; `,` or `;` separators (sniffed from the header), decimal commas
with `;`; CRLF; the cells "", NA, n/a, N/A and - are missing values, never 0.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import lookup_medication
from fertilitytracker.core.units import to_canonical
from fertilitytracker.core.validation import parse_lab_value
from fertilitytracker.services.exchange.builders import (
    STEP_FIELDS,
    dated_item,
    day_of,
    dexa_item,
    dose_item,
    lab_item,
    located,
    optional_time,
    own_lab_item,
    regimen_item,
    semen_item,
    target_item,
)
from fertilitytracker.services.exchange.csv_export import (
    COLUMNS,
    DATED_TYPES,
    FIELD_COLUMNS,
    NUMERIC_COLUMNS,
    RECORD_TYPES,
    unquote_cell,
)
from fertilitytracker.services.exchange.csv_lab_columns import (
    _HEADER_INDEX,
    _find_analyte,
    _foreign_moment,
    _foreign_range,
    _header_key,
    _is_missing,
    _is_zero,
    _number_text,
)
from fertilitytracker.services.exchange.files import (
    check_import_file,
    sniff_encoding,
)
from fertilitytracker.services.exchange.plan import Item, ParsedImport, Skipped

# --- reading, shared -------------------------------------------------------------------------


@dataclass
class _Table:
    """An open CSV: its header, separator and a row iterator that knows line numbers."""

    header: list[str]
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]
    notices: list[str] = field(default_factory=list)


def _sniff_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _open_table(handle: IO[str]) -> _Table:
    try:
        header_line = handle.readline()
    except UnicodeDecodeError:
        raise InputError("line 1", "the file is not UTF-8 or UTF-16 text") from None
    if not header_line.strip():
        raise InputError("line 1", "the header row is empty")
    _refuse_bad_characters("line 1", [header_line])
    delimiter = _sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    reader = csv.reader(handle, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        while True:
            start = line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise InputError(f"line {start}", "the file is not UTF-8 or UTF-16 text") from None
            except csv.Error as error:
                raise InputError(f"line {start}", f"not readable as CSV ({error})") from None
            line = reader.line_num + 1
            _refuse_bad_characters(f"line {start}", row)
            if any(cell.strip() for cell in row):
                yield start, row

    return _Table(header, delimiter, rows())


_BAD_CHARACTER = re.compile("[\x00\udc80-\udcff]")


def _refuse_bad_characters(where: str, cells: list[str]) -> None:
    """Refuse a NUL character or a byte that is not UTF-8, naming the column and the byte."""
    for column, cell in enumerate(cells, start=1):
        found = _BAD_CHARACTER.search(cell)
        if found is None:
            continue
        char = found.group()
        if char == "\x00":
            raise InputError(where, f"column {column} holds a NUL character (U+0000)")
        raise InputError(
            where, f"column {column} holds the byte 0x{ord(char) - 0xDC00:02X}, which is not UTF-8"
        )


@contextlib.contextmanager
def open_csv(path: Path) -> Iterator[tuple[ParsedImport, Iterator[Item]]]:
    """An app CSV or a lab CSV from another tool, streamed: the items are read row by row
    while the file is open; skipped rows and notices gather in the ParsedImport meanwhile
    (its `items` stay empty). A bad row raises InputError when the stream reaches it."""
    check_import_file(path)
    encoding = sniff_encoding(path)
    # Undecodable bytes become lone surrogates, found row by row so that the message names
    # the line and the byte (a decoding error would name only the chunk being read).
    with path.open(encoding=encoding, errors="surrogateescape", newline="") as handle:
        table = _open_table(handle)
        header = [cell.strip().lstrip("\ufeff") for cell in table.header]
        parsed = ParsedImport("csv")
        reader = _own_items if "record_type" in header else _foreign_items
        yield parsed, reader(table, header, parsed)


# --- the app's own CSV -----------------------------------------------------------------------


def _own_items(table: _Table, header: list[str], parsed: ParsedImport) -> Iterator[Item]:
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        parsed.notices.append(f"columns ignored: {', '.join(unknown)}")
    decimal_comma = table.delimiter == ";"
    regimens: dict[tuple[str, str], dict[str, Any]] = {}
    doses: list[tuple[str, dict[str, Any]]] = []
    for line, cells in table.rows:
        where = f"line {line}"
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise InputError(where, "more cells than the header has columns")
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if name not in COLUMNS or _is_missing(cell):
                continue
            row[name] = (
                _number_text(cell, decimal_comma) if name in NUMERIC_COLUMNS else unquote_cell(cell)
            )
        kind = (row.get("record_type") or "").strip()
        if kind not in RECORD_TYPES:
            raise InputError(
                where, f"record_type: '{kind}' is not one of {', '.join(RECORD_TYPES)}"
            )
        if kind == "regimen":
            key = _regimen_key(
                where, row.get("medication"), row.get("regimen_start") or row.get("date")
            )
            entry = regimens.setdefault(key, {"steps": []})
            if "where" in entry:
                raise InputError(where, f"regimen given twice (first on {entry['where']})")
            entry.update(where=where, row=row)
        elif kind == "regimen_step":
            key = _regimen_key(where, row.get("medication"), row.get("regimen_start"))
            regimens.setdefault(key, {"steps": []})["steps"].append((where, row))
        elif kind == "dose":
            doses.append((where, row))
        else:
            yield _own_item(kind, where, row)
    built = {}
    for key, entry in regimens.items():
        if "row" not in entry:
            first_where = entry["steps"][0][0]
            raise InputError(first_where, f"regimen_step of {key[0]} {key[1]} has no regimen row")
        row = entry["row"]
        steps = [[_field(step, name) for name in STEP_FIELDS] for _, step in entry["steps"]]
        item = regimen_item(
            entry["where"], row.get("medication"), steps, row.get("stop"), row.get("time")
        )
        if steps and item.regimen.start.isoformat() != key[1]:
            raise InputError(
                entry["where"], "the first regimen_step must be on the regimen's start"
            )
        built[key] = item
        yield item
    for where, row in doses:
        key = _regimen_key(where, row.get("medication"), row.get("regimen_start"))
        owner = built.get(key)
        if owner is None:
            raise InputError(where, f"no regimen row for {key[0]} started {key[1]}")
        at = f"{row.get('date') or ''}T{row.get('time') or ''}"
        yield dose_item(
            where, owner.regimen, at, row.get("status"), row.get("dose"), row.get("dose_unit")
        )


def _regimen_key(where: str, medication: Any, start: Any) -> tuple[str, str]:
    with located(where):
        if not medication:
            raise InputError("medication", "is required")
        name = lookup_medication(str(medication)).name.casefold()
        return name, day_of(start, "regimen_start").isoformat()


def _field(row: dict[str, Any], name: str) -> Any:
    """A record field's cell: in the column of its name, or the one FIELD_COLUMNS gives."""
    return row.get(FIELD_COLUMNS.get(name, name))


def _own_item(kind: str, where: str, row: dict[str, Any]) -> Any:
    field = partial(_field, row)
    if kind in DATED_TYPES:
        return dated_item(DATED_TYPES[kind], where, field)
    if kind == "target":
        return target_item(
            where,
            row.get("analyte"),
            row.get("target_low_canonical"),
            row.get("target_high_canonical"),
            row.get("source"),
            row.get("date"),
        )
    with located(where):
        day = day_of(row.get("date"), "date")
        draw_time = optional_time(row.get("time"), "time")
    return own_lab_item(where, day, field, draw_time)


# --- lab CSVs from other tools ---------------------------------------------------------------


def _foreign_items(table: _Table, header: list[str], parsed: ParsedImport) -> Iterator[Item]:
    roles: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        role = _HEADER_INDEX.get(_header_key(name))
        if role is None or role in roles:
            if name.strip():
                ignored.append(name.strip())
            continue
        roles[role] = index
    if "date" not in roles:
        raise InputError("line 1", "no date column (e.g. date, collected, collection date)")
    if "analyte" not in roles and "loinc" not in roles:
        raise InputError("line 1", "no analyte column (e.g. analyte, test, loinc)")
    if "value" not in roles:
        raise InputError("line 1", "no value column (e.g. value, result)")
    if ignored:
        parsed.notices.append(f"columns ignored: {', '.join(ignored)}")
    decimal_comma = table.delimiter == ";"
    semen: dict[date, dict[str, Any]] = {}

    def cell(cells: list[str], role: str) -> str | None:
        index = roles.get(role)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if _is_missing(value) else value.strip()

    for line, cells in table.rows:
        where = f"line {line}"
        analyte_name, loinc = cell(cells, "analyte"), cell(cells, "loinc")
        shown = analyte_name or loinc or "?"
        value_text = cell(cells, "value")
        date_text = cell(cells, "date")
        analyte = _find_analyte(analyte_name, loinc)
        if analyte is None:
            parsed.skipped.append(
                Skipped(where, shown, f"unknown analyte '{shown}' (not in the catalogue)")
            )
            continue
        if value_text is None:
            parsed.skipped.append(Skipped(where, f"{analyte.name}", "no value (empty or NA)"))
            continue
        if date_text is None:
            raise InputError(where, "date: a date is required")
        day, moment = _foreign_moment(date_text, cell(cells, "time"), where)
        if analyte.derived:
            parsed.skipped.append(Skipped(where, analyte.name, "computed by the app, not imported"))
            continue
        comparator = cell(cells, "comparator")
        value = (comparator or "") + _number_text(value_text, decimal_comma)
        unit = cell(cells, "unit") or ""
        if analyte.is_semen or analyte.key == "dexa_t_score":
            with located(where):
                found_comparator, number = parse_lab_value(value, "value")
                if found_comparator is not None:
                    raise InputError(
                        "value", f"'{value_text}': a limit is not accepted for {analyte.phrase}"
                    )
                canonical = to_canonical(analyte.key, number, unit)
            if analyte.key == "dexa_t_score":
                yield dexa_item(where, day, canonical)
            else:
                group = semen.setdefault(day, {"where": []})
                if analyte.key in group:
                    raise InputError(where, f"{analyte.phrase} given twice for {day}")
                group[analyte.key] = canonical
                group["where"].append(line)
            continue
        low, high = _foreign_range(cell(cells, "range"), decimal_comma, where, parsed.notices)
        low = _number_text(cell(cells, "low") or "", decimal_comma) or low
        high = _number_text(cell(cells, "high") or "", decimal_comma) or high
        if low is not None and high is not None and _is_zero(low) and _is_zero(high):
            low = high = None  # a 0–0 range means "no range given"
        yield lab_item(
            where,
            day,
            analyte.key,
            value,
            unit,
            lab_low=low,
            lab_high=high,
            method=cell(cells, "method"),
            draw_time=moment,
            canonical_range=False,
        )
    for day, group in semen.items():
        lines = group.pop("where")
        where = "line " + ", ".join(str(n) for n in lines) if len(lines) > 1 else f"line {lines[0]}"
        if "semen_volume" not in group or "sperm_concentration" not in group:
            parsed.skipped.append(
                Skipped(where, f"{day} semen analysis", "needs both volume and concentration")
            )
            continue
        yield semen_item(
            where,
            day,
            group["semen_volume"],
            group["sperm_concentration"],
            group.get("total_motility"),
            group.get("progressive_motility"),
            group.get("normal_morphology"),
        )
