"""Persisted operations: a manifest of registered operations by SHA-256, and Apollo's
automatic persisted queries (APQ) protocol.

- The manifest is a JSON object ``{"<sha256 of the text>": "<operation text>"}`` kept at
  ``PMO_PERSISTED_OPERATIONS`` and written by ``pmo operations register FILE``.
- With ``PMO_PERSISTED_ONLY=1`` only registered operations run: a request names one by hash
  (``extensions.persistedQuery.sha256Hash``) or sends its exact text; anything else is
  ``OPERATION_NOT_ALLOWED``.
- Otherwise a client may also use APQ: it sends the hash alone, gets
  ``PERSISTED_QUERY_NOT_FOUND`` the first time, and sends hash and text once, which is then
  remembered (in this process, the most recent ``APQ_SIZE``).

Strawberry has no persisted operations of its own (an extension reading the operation's
``extensions`` is the documented way), hence this module.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLError

from server.error_codes import ApiErrorCode

APQ_SIZE = 1000
NOT_FOUND = ApiErrorCode.PERSISTED_QUERY_NOT_FOUND


def digest(text: str) -> str:
    """The SHA-256 of an operation's text, as APQ clients compute it (hex)."""
    return hashlib.sha256(text.encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """The registered operations in ``path`` (none if it does not exist yet)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and digest(v) == k
            for k, v in data.items()):
        raise ValueError(f"{path}: not a manifest of operations by their SHA-256")
    return data


def register(path: Path, texts: list[str]) -> list[str]:
    """Add operations to the manifest at ``path`` (written atomically); their hashes."""
    manifest = read_manifest(path)
    hashes = []
    for text in texts:
        key = digest(text)
        manifest[key] = text
        hashes.append(key)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)
    return hashes


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class OperationStore:
    """Which operation text a request runs, by the rules above."""

    def __init__(self, manifest: Mapping[str, str], *, only_registered: bool) -> None:
        self.manifest = dict(manifest)
        self.only_registered = only_registered
        self._automatic: OrderedDict[str, str] = OrderedDict()

    def text_of(self, query: str | None, extensions: Mapping[str, Any] | None) -> str | None:
        """The text to run; a GraphQLError with a code when the request may not run."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if self.only_registered and (query is None or digest(query) not in self.manifest):
                raise _error("only registered operations run on this server",
                             ApiErrorCode.OPERATION_NOT_ALLOWED)
            return query
        if (not isinstance(persisted, dict) or persisted.get("version") != 1
                or not isinstance(persisted.get("sha256Hash"), str)):
            raise _error("persistedQuery must be {version: 1, sha256Hash: <hex>}",
                         ApiErrorCode.BAD_USER_INPUT)
        key = persisted["sha256Hash"].lower()
        if query is None:
            found = self.manifest.get(key) or self._automatic.get(key)
            if found is None:
                # Apollo clients look for this message as well as the code.
                raise _error("PersistedQueryNotFound", NOT_FOUND)
            if key in self._automatic:
                self._automatic.move_to_end(key)
            return found
        if digest(query) != key:
            raise _error("persistedQuery.sha256Hash is not the SHA-256 of the query",
                         ApiErrorCode.BAD_USER_INPUT)
        if key not in self.manifest:
            if self.only_registered:
                raise _error("only registered operations run on this server",
                             ApiErrorCode.OPERATION_NOT_ALLOWED)
            self._automatic[key] = query
            while len(self._automatic) > APQ_SIZE:
                self._automatic.popitem(last=False)
        return query
