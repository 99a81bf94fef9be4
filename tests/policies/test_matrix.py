"""policies/README.md is generated from the policy files and must not go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies import matrix


@pytest.fixture(scope="module")
def generated() -> str:
    """The README as the current policy files produce it (asked once: it is slow)."""
    return matrix.render()


def test_readme_is_up_to_date(generated: str) -> None:
    # given the committed README
    committed = matrix.README_PATH.read_text(encoding="utf-8")
    # when compared with what the policy files produce now
    # then they are the same; otherwise run: python -m policies.matrix
    assert committed == generated, "policies/README.md is stale: run python -m policies.matrix"


def test_matrix_shows_conditions(generated: str) -> None:
    # given / when the generated matrix
    rows = {line.split(" | ")[0].strip("| `"): line for line in generated.splitlines()
            if line.startswith("| `")}
    # then every resource type has a row, and conditional rights say their condition
    assert len(rows) == len(matrix.RESOURCE_TYPES)
    assert "pmo, pm (manager)" in rows["risk"]
    assert "executive (sponsor/owner; executive gates)" in rows["project_gate"]
    assert rows["person.cost_rate"].startswith("| `person.cost_rate` | pmo |")
    assert rows["notification"].startswith(
        "| `notification` | pmo, pm (own), executive (own), analyst (own) |")
    assert rows["webhook"].startswith("| `webhook` | pmo |")


@pytest.fixture
def fast_render(monkeypatch: pytest.MonkeyPatch, generated: str) -> str:
    """Make ``main`` reuse the module's rendering instead of asking the enforcer again."""
    monkeypatch.setattr(matrix, "render", lambda: generated)
    return generated


def test_check_fails_on_a_stale_readme(
    fast_render: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a README that lags behind the policies
    readme = tmp_path / "README.md"
    readme.write_text(fast_render.replace("pm (manager)", "pm"), encoding="utf-8")
    # when checked
    status = matrix.main(["--check"], readme=readme)
    # then the check fails and the file is left alone
    assert status == 1
    assert "stale" in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") != fast_render


def test_check_fails_when_the_readme_is_missing(fast_render: str, tmp_path: Path) -> None:
    # given / when / then
    assert matrix.main(["--check"], readme=tmp_path / "README.md") == 1


def test_generate_writes_then_check_passes(fast_render: str, tmp_path: Path) -> None:
    # given a stale README
    readme = tmp_path / "README.md"
    readme.write_text("old\n", encoding="utf-8")
    # when generated
    assert matrix.main([], readme=readme) == 0
    # then it holds the matrix and the check passes
    assert readme.read_text(encoding="utf-8") == fast_render
    assert matrix.main(["--check"], readme=readme) == 0
