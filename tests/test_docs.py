"""The documentation stands alone and keeps up with the code: every user error code is
listed, and no document points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from server.domain.errors import ErrorCode

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             ROOT / "bench" / "README.md", ROOT / "policies" / "README.md"]


def test_every_user_error_code_is_documented() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert [code.value for code in ErrorCode if f"`{code.value}`" not in api] == []


def test_no_document_points_outside_the_repository() -> None:
    outside = re.compile(r"\]\(\.\./|\.\./shared|DOMAIN\.md|STYLE\.md|PERFORMANCE\.md")
    assert [path.name for path in DOCUMENTS
            if outside.search(path.read_text(encoding="utf-8"))] == []
