"""Semen analyses, DEXA scans and symptoms, as rows and back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from fertilitytracker.core.records import (
    DexaScan,
    DexaScanId,
    SemenAnalysis,
    SemenAnalysisId,
    SymptomEntry,
    SymptomId,
)


class SemenRepository:
    """Reads and writes semen analyses."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, analysis: SemenAnalysis) -> SemenAnalysisId:
        cursor = self._db.execute(
            "INSERT INTO semen_analyses (date, volume_ml, concentration_m_per_ml,"
            " total_motility_pct, progressive_motility_pct, normal_morphology_pct,"
            " abstinence_days) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                analysis.date.isoformat(),
                analysis.volume_ml,
                analysis.concentration_m_per_ml,
                analysis.total_motility_pct,
                analysis.progressive_motility_pct,
                analysis.normal_morphology_pct,
                analysis.abstinence_days,
            ],
        )
        return SemenAnalysisId(int(cursor.lastrowid or 0))

    def delete(self, analysis_id: SemenAnalysisId) -> None:
        self._db.execute("DELETE FROM semen_analyses WHERE id = ?", [analysis_id])

    def all(self) -> list[SemenAnalysis]:
        return self._read("", [])

    def on_dates(self, days: Collection[date]) -> list[SemenAnalysis]:
        """The analyses of `days`, oldest first."""
        where, params = _on_dates(days)
        return self._read(where, params)

    def get(self, analysis_id: SemenAnalysisId) -> SemenAnalysis | None:
        found = self._read("WHERE id = ?", [analysis_id])
        return found[0] if found else None

    def _read(self, where: str, params: list[Any]) -> list[SemenAnalysis]:
        return [
            SemenAnalysis(
                id=SemenAnalysisId(row["id"]),
                date=date.fromisoformat(row["date"]),
                volume_ml=row["volume_ml"],
                concentration_m_per_ml=row["concentration_m_per_ml"],
                total_motility_pct=row["total_motility_pct"],
                progressive_motility_pct=row["progressive_motility_pct"],
                normal_morphology_pct=row["normal_morphology_pct"],
                abstinence_days=row["abstinence_days"],
            )
            for row in self._db.query(
                f"SELECT * FROM semen_analyses {where} ORDER BY date, id", params
            )
        ]


class DexaRepository:
    """Reads and writes bone density scans."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, scan: DexaScan) -> DexaScanId:
        cursor = self._db.execute(
            "INSERT INTO dexa_scans (date, t_score, site, bmd_g_cm2) VALUES (?, ?, ?, ?)",
            [scan.date.isoformat(), scan.t_score, scan.site, scan.bmd_g_cm2],
        )
        return DexaScanId(int(cursor.lastrowid or 0))

    def delete(self, scan_id: DexaScanId) -> None:
        self._db.execute("DELETE FROM dexa_scans WHERE id = ?", [scan_id])

    def all(self) -> list[DexaScan]:
        return self._read("", [])

    def on_dates(self, days: Collection[date]) -> list[DexaScan]:
        """The scans of `days`, oldest first."""
        where, params = _on_dates(days)
        return self._read(where, params)

    def get(self, scan_id: DexaScanId) -> DexaScan | None:
        found = self._read("WHERE id = ?", [scan_id])
        return found[0] if found else None

    def _read(self, where: str, params: list[Any]) -> list[DexaScan]:
        return [
            DexaScan(
                id=DexaScanId(row["id"]),
                date=date.fromisoformat(row["date"]),
                t_score=row["t_score"],
                site=row["site"],
                bmd_g_cm2=row["bmd_g_cm2"],
            )
            for row in self._db.query(f"SELECT * FROM dexa_scans {where} ORDER BY date, id", params)
        ]


class SymptomRepository:
    """Reads and writes symptom ratings."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, entry: SymptomEntry) -> SymptomId:
        cursor = self._db.execute(
            "INSERT INTO symptoms (date, name, severity, note) VALUES (?, ?, ?, ?)",
            [entry.date.isoformat(), entry.name, entry.severity, entry.note],
        )
        return SymptomId(int(cursor.lastrowid or 0))

    def delete(self, symptom_id: SymptomId) -> None:
        self._db.execute("DELETE FROM symptoms WHERE id = ?", [symptom_id])

    def all(self) -> list[SymptomEntry]:
        return self._read("", [])

    def on_dates(self, days: Collection[date]) -> list[SymptomEntry]:
        """The ratings of `days`, oldest first (through the date index)."""
        where, params = _on_dates(days)
        return self._read(where, params)

    def get(self, symptom_id: SymptomId) -> SymptomEntry | None:
        found = self._read("WHERE id = ?", [symptom_id])
        return found[0] if found else None

    def _read(self, where: str, params: list[Any]) -> list[SymptomEntry]:
        # Plain tuples: years of ratings are read at once.
        rows = self._db.execute(
            f"SELECT id, date, name, severity, note FROM symptoms {where} ORDER BY date, id",
            params,
        )
        return [
            SymptomEntry(
                id=SymptomId(symptom_id),
                date=date.fromisoformat(day),
                name=name,
                severity=severity,
                note=note,
            )
            for symptom_id, day, name, severity, note in rows
        ]


def _on_dates(days: Iterable[date]) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters of "on one of `days`" (never matches when empty)."""
    params: list[Any] = [day.isoformat() for day in sorted(set(days))]
    if not params:
        return "WHERE 0", []
    return f"WHERE date IN ({', '.join('?' for _ in params)})", params
