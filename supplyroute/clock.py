"""Formatting times of day (seconds since midnight; may run past 24:00)."""

from __future__ import annotations


def hhmm(t: float) -> str:
    """``34200`` -> ``"09:30"``; past midnight the hours keep counting (``"25:10"``)."""
    t = int(round(t))
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}"
