"""Semen analyses, DEXA scans and symptoms, as rows and back."""

from __future__ import annotations

from datetime import date

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
            for row in self._db.query("SELECT * FROM semen_analyses ORDER BY date, id")
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
        return [
            DexaScan(
                id=DexaScanId(row["id"]),
                date=date.fromisoformat(row["date"]),
                t_score=row["t_score"],
                site=row["site"],
                bmd_g_cm2=row["bmd_g_cm2"],
            )
            for row in self._db.query("SELECT * FROM dexa_scans ORDER BY date, id")
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
        return [
            SymptomEntry(
                id=SymptomId(row["id"]),
                date=date.fromisoformat(row["date"]),
                name=row["name"],
                severity=row["severity"],
                note=row["note"],
            )
            for row in self._db.query("SELECT * FROM symptoms ORDER BY date, id")
        ]
