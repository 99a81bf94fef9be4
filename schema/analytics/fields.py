"""Analytics fields on Project, Portfolio and Person (merged into those types as bases)."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type
class AnalyticsProjectFields:
    row: strawberry.Private[Any]


@strawberry.type
class AnalyticsPortfolioFields:
    row: strawberry.Private[Any]


@strawberry.type
class AnalyticsPersonFields:
    row: strawberry.Private[Any]
