"""Dialogs of the desktop app (one module per dialog)."""
