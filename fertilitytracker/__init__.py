"""Fertility Tracker: an offline journal of hormone therapy for male infertility."""

__version__ = "0.1.0"
