"""The declared dependency floors sit past the releases with published security advisories,
so that an install without our constraints file cannot pick a vulnerable release."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# The first release past each package's latest advisory (checked 2026-12-06).
SAFE = {"strawberry-graphql": "0.327.2", "starlette": "1.3.1", "python-multipart": "0.0.30",
        "pyjwt": "2.15.0"}


def floors() -> dict[str, Version]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        lows = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")]
        if lows:
            found[re.sub(r"[-_.]+", "-", requirement.name.lower())] = max(lows)
    return found


@pytest.mark.parametrize(("package", "safe"), sorted(SAFE.items()))
def test_the_floor_is_past_the_advisories(package: str, safe: str) -> None:
    assert floors()[package] >= Version(safe)


def test_the_pinned_versions_satisfy_the_floors() -> None:
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().split()
                if "==" in line)
    pinned = {re.sub(r"[-_.]+", "-", k.lower()): Version(v) for k, v in pins.items()}
    for package, floor in floors().items():
        assert pinned[package] >= floor, package
