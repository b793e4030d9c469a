"""The journal's schema, as named append-only migrations. Never edit a released one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "fertilitytracker"
migrations = Migrations(MIGRATION_SET)


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
