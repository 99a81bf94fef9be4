"""Every ``extensions.code`` is a member of ``ApiErrorCode``, every member is raised somewhere,
and docs/api.md lists exactly these codes and the ``UserErrorCode`` values (``pmo schema
export`` writes the tables)."""

from __future__ import annotations

import ast
from pathlib import Path

from graphql import GraphQLEnumType

from schema.error_docs import END, START, tables
from schema.schema import schema
from server.error_codes import MEANINGS, ApiErrorCode

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for folder in ("server", "schema", "policies", "admin")
           for p in sorted((ROOT / folder).rglob("*.py"))
           if p.name != "error_codes.py"]


def _code_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants given as an error's code: ``{"code": "X"}`` and the code argument of
    the helpers that build errors (``refused(message, "X")``, ``_error(message, "X")``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (isinstance(key, ast.Constant) and key.value == "code"
                        and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    found.append((node.lineno, value.value))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("refused", "_error", "GraphQLError"):
                found += [(arg.lineno, arg.value) for arg in node.args[1:]
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                          and arg.value.isupper()]
    return found


def test_no_error_code_is_written_as_a_bare_string() -> None:
    literals = [f"{path.relative_to(ROOT)}:{line}: {value}" for path in SOURCES
                for line, value in _code_literals(ast.parse(path.read_text()))]
    assert literals == []


def test_the_scan_finds_a_bare_code() -> None:
    tree = ast.parse('GraphQLError("no", extensions={"code": "OOPS"})\nrefused("m", "LIMIT")')
    assert sorted(value for _, value in _code_literals(tree)) == ["LIMIT", "OOPS"]


def test_every_code_is_raised_somewhere_and_explained() -> None:
    source = "\n".join(path.read_text() for path in SOURCES)
    unused = [code.name for code in ApiErrorCode if f"ApiErrorCode.{code.name}" not in source]
    assert unused == []
    assert set(MEANINGS) == set(ApiErrorCode)


def test_the_docs_list_every_code_as_the_code_defines_them() -> None:
    api = (ROOT / "docs" / "api.md").read_text()
    written = api[api.index(START):api.index(END) + len(END)]
    assert written == tables(), "run `pmo schema export` to rewrite docs/api.md's tables"


def test_the_user_error_table_is_the_schema_enum() -> None:
    user_codes = schema._schema.type_map["UserErrorCode"]
    assert isinstance(user_codes, GraphQLEnumType)
    for name in user_codes.values:
        assert f"| `{name}` |" in tables()
    for code in ApiErrorCode:
        assert f"| `{code.value}` |" in tables()
