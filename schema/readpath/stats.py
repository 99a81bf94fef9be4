"""What the compiled read path served, counted per operation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadPathStats:
    """How many response fields each path served in one operation (a field the standard
    executor resolved counts once, however big its value)."""

    compiled: int = 0
    standard: int = 0
