"""The journal's schema, as named append-only migrations. Never edit a released one."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fertilitytracker.storage.connection import Database

MIGRATION_SET = "fertilitytracker"
# sqlite-utils' bookkeeping table: one row per applied migration (set, name, applied_at).
MIGRATIONS_TABLE = "_sqlite_migrations"


@dataclass(frozen=True)
class Migration:
    """One schema step: its name, and the function that takes the journal there."""

    name: str
    fn: Callable[[Database], None]
    transactional: bool = True


class MigrationSteps:
    """The journal's schema steps in order, declared as with sqlite-utils' `Migrations`
    (`@migrations(name=...)`) and applied by it, with its bookkeeping table.

    Only applying loads sqlite-utils: reading which steps a journal has (every open, for the
    newer-version guard and the schema guard, storage/schema.py) is one SELECT.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(
        self, *, name: str | None = None, transactional: bool = True
    ) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
        def register(step: Callable[[Database], None]) -> Callable[[Database], None]:
            step_name = name or step.__name__
            if any(migration.name == step_name for migration in self._migrations):
                raise ValueError(f"the migration {step_name} is declared twice")
            self._migrations.append(Migration(step_name, step, transactional))
            return step

        return register

    def applied(self, db: Database) -> list[str]:
        """The names of the steps applied to `db`, in the order they were applied."""
        if MIGRATIONS_TABLE not in db.table_names():
            return []
        rows = db.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            [self.name],
        )
        return [name for (name,) in rows]

    def pending(self, db: Database) -> list[Migration]:
        """The steps not applied to `db` yet, in their order."""
        applied = set(self.applied(db))
        return [migration for migration in self._migrations if migration.name not in applied]

    def apply(self, db: Database) -> None:
        """Apply the pending steps with sqlite-utils (each in a transaction with its record)."""
        steps = _sqlite_utils_migrations(self)
        steps.apply(_sqlite_utils().Database(db.conn, execute_plugins=False))


def _sqlite_utils() -> Any:
    """sqlite-utils, loaded without numpy: it imports numpy (about 0.2 s) only to map numpy
    scalars to column types, and the journal never stores numpy values."""
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        import sqlite_utils

        return sqlite_utils
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils
    finally:
        del sys.modules["numpy"]
    return sqlite_utils


def _sqlite_utils_migrations(steps: MigrationSteps) -> Any:
    """`steps` as sqlite-utils' `Migrations`, which applies them and records each."""
    _sqlite_utils()
    from sqlite_utils.migrations import Migrations

    declared = Migrations(steps.name)
    for migration in steps._migrations:
        # Each step only runs SQL through `execute`, which sqlite-utils' Database has alike.
        step: Any = migration.fn
        declared(name=migration.name, transactional=migration.transactional)(step)
    return declared


migrations = MigrationSteps(MIGRATION_SET)


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    """The first released schema."""
    db.execute(
        """
        CREATE TABLE regimens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            med_class TEXT NOT NULL,
            stop TEXT,
            time_of_day TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE regimen_steps (
            id INTEGER PRIMARY KEY,
            regimen_id INTEGER NOT NULL REFERENCES regimens(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            dose REAL NOT NULL,
            unit TEXT NOT NULL,
            schedule TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE dose_events (
            id INTEGER PRIMARY KEY,
            regimen_id INTEGER NOT NULL REFERENCES regimens(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('taken', 'skipped')),
            dose REAL,
            unit TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE draws (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL UNIQUE,
            time TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE lab_results (
            id INTEGER PRIMARY KEY,
            draw_id INTEGER NOT NULL REFERENCES draws(id) ON DELETE CASCADE,
            analyte TEXT NOT NULL,
            value REAL NOT NULL,
            comparator TEXT,
            entered_value REAL NOT NULL,
            entered_unit TEXT NOT NULL,
            lab_low REAL,
            lab_high REAL,
            method TEXT,
            UNIQUE (draw_id, analyte)
        )"""
    )
    db.execute(
        """
        CREATE TABLE semen_analyses (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            volume_ml REAL NOT NULL,
            concentration_m_per_ml REAL NOT NULL,
            total_motility_pct REAL,
            progressive_motility_pct REAL,
            normal_morphology_pct REAL,
            abstinence_days INTEGER
        )"""
    )
    db.execute(
        """
        CREATE TABLE dexa_scans (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            t_score REAL NOT NULL,
            site TEXT,
            bmd_g_cm2 REAL
        )"""
    )
    db.execute(
        """
        CREATE TABLE symptoms (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            name TEXT NOT NULL,
            severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 10),
            note TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            analyte TEXT NOT NULL,
            low REAL,
            high REAL,
            source TEXT NOT NULL DEFAULT '',
            set_on TEXT
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_steps_regimen ON regimen_steps(regimen_id, date)")
    db.execute("CREATE INDEX idx_doses_regimen ON dose_events(regimen_id, at)")
    db.execute("CREATE INDEX idx_results_draw ON lab_results(draw_id)")
    db.execute("CREATE INDEX idx_symptoms_date ON symptoms(date)")


@migrations(name="0002_draw_fasting")
def m0002_draw_fasting(db: Database) -> None:
    """Whether the patient had fasted before a draw: 1 yes, 0 no, NULL not recorded."""
    db.execute("ALTER TABLE draws ADD COLUMN fasting INTEGER CHECK (fasting IN (0, 1))")


def known_migration_names() -> set[str]:
    """Names of every migration this build knows."""
    return {migration.name for migration in migrations._migrations}
