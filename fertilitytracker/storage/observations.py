"""Semen analyses, DEXA scans and symptoms, as rows and back."""

from __future__ import annotations

from sqlite_utils import Database

from fertilitytracker.core.records import (
    DexaScan,
    DexaScanId,
    SemenAnalysis,
    SemenAnalysisId,
    SymptomEntry,
    SymptomId,
)
from fertilitytracker.storage.repository import DatedRepository


class SemenRepository(DatedRepository[SemenAnalysis, SemenAnalysisId]):
    """Reads and writes semen analyses."""

    def __init__(self, db: Database) -> None:
        columns = (
            "date",
            "volume_ml",
            "concentration_m_per_ml",
            "total_motility_pct",
            "progressive_motility_pct",
            "normal_morphology_pct",
            "abstinence_days",
        )
        super().__init__(db, "semen_analyses", columns, SemenAnalysis, SemenAnalysisId)


class DexaRepository(DatedRepository[DexaScan, DexaScanId]):
    """Reads and writes bone density scans."""

    def __init__(self, db: Database) -> None:
        columns = ("date", "t_score", "site", "bmd_g_cm2")
        super().__init__(db, "dexa_scans", columns, DexaScan, DexaScanId)


class SymptomRepository(DatedRepository[SymptomEntry, SymptomId]):
    """Reads and writes symptom ratings."""

    def __init__(self, db: Database) -> None:
        columns = ("date", "name", "severity", "note")
        super().__init__(db, "symptoms", columns, SymptomEntry, SymptomId)
