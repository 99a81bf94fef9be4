"""Decision fields on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type
class DecisionProjectFields:
    row: strawberry.Private[Any]
