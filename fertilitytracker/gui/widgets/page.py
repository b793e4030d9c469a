"""A screen whose content scrolls as one page (Today, Settings)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

PAGE_MARGIN_PX = 16
PAGE_SPACING_PX = 12


def scrolling_page(
    screen: QWidget, *, margin_px: int = PAGE_MARGIN_PX, spacing_px: int = PAGE_SPACING_PX
) -> tuple[QWidget, QVBoxLayout]:
    """Fill `screen` with a frameless scroll area; returns the page widget and its layout."""
    outer = QVBoxLayout(screen)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(screen)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    page = QWidget()
    scroll.setWidget(page)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(margin_px, margin_px, margin_px, margin_px)
    layout.setSpacing(spacing_px)
    return page, layout
