"""The deterministic data seeder behind ``pmo seed --demo`` and ``pmo seed --scale N``.

The same ``seed`` and ``today`` always produce the same rows; dates are relative to
``today`` so the demo always looks current.
"""

from __future__ import annotations

from server.seed.loader import SeedRefused, SeedReport, seed_database
from server.seed_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "SeedRefused", "SeedReport", "seed_database"]
