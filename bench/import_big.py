"""import_big: a 1,000,000-row lab CSV and a 50 MB FHIR bundle, time and peak memory.

    python bench/import_big.py [--rows 1000000] [--fhir-mb 50]

Each import runs in its own `fertilitytracker import` process into an empty journal, so that
its peak resident memory (ru_maxrss of the child) is its own. Goals: the CSV under 30 s with
memory that does not grow with the file, the FHIR file under 5 s. The desktop's path is
measured too: a child process on the offscreen platform opens File › Import's dialog on the
same CSV, waits for its preview, presses Import and waits until it is written
(import_desktop_csv_*: the two times and the child's peak). Not run by `make bench` (it takes
minutes); no test times it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ANALYTES = (
    ("total_testosterone", "2986-8", 300.0, 900.0, "ng/dL"),
    ("estradiol", "2243-4", 12.0, 45.0, "pg/mL"),
    ("lh", "10501-5", 2.0, 9.0, "IU/L"),
    ("fsh", "15067-2", 1.5, 12.0, "IU/L"),
    ("shbg", "13967-5", 18.0, 50.0, "nmol/L"),
)
FIRST_DAY = date(1901, 1, 1)
DAYS = (date(2099, 12, 31) - FIRST_DAY).days  # dates the journal accepts


def _row(index: int) -> tuple[str, str, str, float, str]:
    key, loinc, low, high, unit = ANALYTES[index % len(ANALYTES)]
    # Distinct (day, analyte) pairs for the first DAYS * 5 rows, repeats after.
    day = FIRST_DAY + timedelta(days=(index // len(ANALYTES)) % DAYS)
    value = low + (high - low) * ((index * 37) % 100) / 100
    return day.isoformat(), key, loinc, round(value, 1), unit


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("date,analyte,value,unit\n")
        for index in range(rows):
            day, key, _, value, unit = _row(index)
            handle.write(f"{day},{key},{value},{unit}\n")


def write_fhir(path: Path, megabytes: int) -> None:
    entries = []
    size, index = 0, 0
    while size < megabytes * 1024 * 1024:
        day, _, loinc, value, unit = _row(index)
        resource_ = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "effectiveDateTime": f"{day}T08:30:00Z",
            "valueQuantity": {
                "value": value,
                "unit": unit,
                "system": "http://unitsofmeasure.org",
                "code": unit,
            },
        }
        text = json.dumps(resource_)
        size += len(text) + 60
        entries.append({"fullUrl": f"urn:uuid:{index}", "resource": resource_})
        index += 1
    document = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    path.write_text(json.dumps(document), encoding="utf-8")


def timed_import(journal: Path, source: Path) -> tuple[float, float, str]:
    """Seconds, peak MiB of the importing process (its VmHWM), and its last line of output."""
    # The child reports its own peak (ru_maxrss, KiB on Linux) on stderr's last line.
    child = (
        "import resource, sys\n"
        "from fertilitytracker.cli import run\n"
        "code = run(sys.argv[1:])\n"
        "print(f'peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", child, "--db", str(journal), "import", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    errors = done.stderr.strip().splitlines()
    peak = int(errors[-1].split()[1]) / 1024 if errors and errors[-1].startswith("peak") else 0
    said = (done.stdout or "\n".join(errors[:-1])).strip().splitlines()
    # The summary ("N new, M already present, K skipped"), not the skipped entries after it.
    summary = [line for line in said if " new" in line and "skipped" in line]
    return elapsed, peak, (summary or said or [f"exit {done.returncode}"])[0]


# The window's import path: the dialog previews (a dry run in a worker thread), then imports.
DESKTOP_CHILD = r"""
import resource, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs.import_export import ImportDialog
from fertilitytracker.storage.journal import Journal

context = AppContext(Journal.open(Path(sys.argv[1])))
times = {}
said = []

def previewed(plan):
    times["previewed"] = time.perf_counter()
    said.append(dialog.summary_label.text())
    dialog.import_button.click()

def ended(*_):
    times["imported"] = time.perf_counter()
    said.insert(0, dialog.error_label.text())
    app.quit()

def start():
    global dialog
    times["started"] = time.perf_counter()
    dialog = ImportDialog(context, Path(sys.argv[2]))
    dialog.plan_ready.connect(previewed)
    for signal in (dialog.imported, dialog.import_failed, dialog.plan_refused):
        signal.connect(ended)

# The event loop runs while the worker works, as in the app (a loop of processEvents calls
# would hold Python's lock between events and slow the worker threefold).
QTimer.singleShot(0, start)
app.exec()
preview = times.get("previewed", times["imported"]) - times["started"]
write = times["imported"] - times.get("previewed", times["imported"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{preview:.3f} {write:.3f} {peak} {said[0] or said[-1]}")
context.journal.close()
"""


def desktop_import(journal: Path, source: Path) -> tuple[float, float, float, str]:
    """Preview seconds, import seconds, peak MiB of the window's import, and what it said."""
    journal.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", DESKTOP_CHILD, str(journal), str(source)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return 0.0, 0.0, 0.0, (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    preview, write, peak, said = lines[-1].split(" ", 3)
    return float(preview), float(write), int(peak) / 1024, said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fhir-mb", type=int, default=50)
    parser.add_argument("--no-desktop", action="store_true", help="only the command line")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # A quarter of the file as well: a flat memory shows as the same peak for both.
        figures = []
        desktop = []
        for rows in (args.rows // 4, args.rows):
            csv_file = work / f"labs-{rows}.csv"
            write_csv(csv_file, rows)
            elapsed, peak, said = timed_import(work / f"csv-{rows}" / "journal.sqlite3", csv_file)
            figures.append((rows, elapsed, peak, said))
            if not args.no_desktop:
                window = work / f"desktop-{rows}" / "journal.sqlite3"
                desktop.append((rows, *desktop_import(window, csv_file)))
            csv_file.unlink()
        (quarter, _, quarter_peak, _), (rows, elapsed, peak, said) = figures
        print(
            f"import_csv_{_count(rows)}: {elapsed:.1f} s, peak {peak:.0f} MiB"
            f" ({_count(quarter)} rows: peak {quarter_peak:.0f} MiB; goal 30 s, flat memory)"
            f" - {said}"
        )
        if desktop:
            (_, _, _, quarter_peak, _), (rows, preview, write, peak, said) = desktop
            print(
                f"import_desktop_csv_{_count(rows)}: preview {preview:.1f} s + import"
                f" {write:.1f} s, peak {peak:.0f} MiB ({_count(quarter)} rows: peak"
                f" {quarter_peak:.0f} MiB; flat memory) - {said}"
            )
        fhir_file = work / "labs.fhir.json"
        write_fhir(fhir_file, args.fhir_mb)
        elapsed, peak, said = timed_import(work / "fhir" / "journal.sqlite3", fhir_file)
        size = fhir_file.stat().st_size / 1024 / 1024
        print(
            f"import_fhir_{args.fhir_mb}mb: {elapsed:.1f} s, peak {peak:.0f} MiB"
            f" ({size:.0f} MiB file; goal 5 s) - {said}"
        )
    return 0


def _count(rows: int) -> str:
    """1000000 → "1m", 250000 → "250k"."""
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    return f"{rows // 1000}k" if rows >= 1000 and rows % 1000 == 0 else str(rows)


if __name__ == "__main__":
    raise SystemExit(main())
