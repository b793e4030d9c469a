"""Semen analyses, DEXA scans and symptoms, as rows and back."""

from __future__ import annotations

from fertilitytracker.core.records import (
    DexaScan,
    DexaScanId,
    SemenAnalysis,
    SemenAnalysisId,
    SymptomEntry,
    SymptomId,
)
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.repository import DatedRepository


class SemenRepository(DatedRepository[SemenAnalysis, SemenAnalysisId]):
    """Reads and writes semen analyses."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, "semen_analyses", SemenAnalysis, SemenAnalysisId)


class DexaRepository(DatedRepository[DexaScan, DexaScanId]):
    """Reads and writes bone density scans."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, "dexa_scans", DexaScan, DexaScanId)


class SymptomRepository(DatedRepository[SymptomEntry, SymptomId]):
    """Reads and writes symptom ratings."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, "symptoms", SymptomEntry, SymptomId)
