"""Every ``extensions.code`` a GraphQL error (or a CSV export's JSON error) can carry.

The one list: code raises these members, the schema exposes them as ``enum ApiErrorCode`` (so
generated clients can type ``extensions.code``), and ``pmo schema export`` writes the table in
docs/api.md from ``MEANINGS``. ``UserErrorCode`` (a mutation's ``userErrors``) is separate.
"""

from __future__ import annotations

from enum import StrEnum


class ApiErrorCode(StrEnum):
    """An ``extensions.code``."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
    MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
    MAX_ROOT_FIELDS_EXCEEDED = "MAX_ROOT_FIELDS_EXCEEDED"
    MAX_DIRECTIVES_EXCEEDED = "MAX_DIRECTIVES_EXCEEDED"
    MAX_OPERATIONS_EXCEEDED = "MAX_OPERATIONS_EXCEEDED"
    MAX_TOKENS_EXCEEDED = "MAX_TOKENS_EXCEEDED"
    MAX_VARIABLES_SIZE_EXCEEDED = "MAX_VARIABLES_SIZE_EXCEEDED"
    MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
    RATE_LIMITED = "RATE_LIMITED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    TIMEOUT = "TIMEOUT"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


MEANINGS: dict[ApiErrorCode, str] = {
    ApiErrorCode.UNAUTHENTICATED: "No valid bearer token (HTTP 401, no data); over WebSocket the "
                               "connection is refused.",
    ApiErrorCode.FORBIDDEN: "The policies refuse this read or write; a restricted field is null "
                         "with this error at its path.",
    ApiErrorCode.NOT_FOUND: "An id names nothing the caller can see (a document to render, a CSV "
                         "report that does not exist: HTTP 404).",
    ApiErrorCode.BAD_USER_INPUT: "A bad argument: page size, cursor, id, filter, control "
                              "characters in text.",
    ApiErrorCode.GRAPHQL_PARSE_FAILED: "The document is not valid GraphQL (HTTP 400 with "
                                    "`Accept: application/graphql-response+json`).",
    ApiErrorCode.GRAPHQL_VALIDATION_FAILED: "The document does not fit the schema (HTTP 400 with "
                                         "`Accept: application/graphql-response+json`).",
    ApiErrorCode.MAX_DEPTH_EXCEEDED: "Fields nest deeper than `PMO_MAX_DEPTH`; nothing ran.",
    ApiErrorCode.MAX_ALIASES_EXCEEDED: "More aliases than `PMO_MAX_ALIASES`; nothing ran.",
    ApiErrorCode.MAX_ROOT_FIELDS_EXCEEDED: "More root fields than `PMO_MAX_ROOT_FIELDS`; nothing "
                                        "ran.",
    ApiErrorCode.MAX_DIRECTIVES_EXCEEDED: "More directives on one field than "
                                       "`PMO_MAX_DIRECTIVES`; nothing ran.",
    ApiErrorCode.MAX_OPERATIONS_EXCEEDED: "More operations in one document than "
                                       "`PMO_MAX_OPERATIONS`; nothing ran.",
    ApiErrorCode.MAX_TOKENS_EXCEEDED: "More tokens than `PMO_MAX_TOKENS`; parsing stopped.",
    ApiErrorCode.MAX_VARIABLES_SIZE_EXCEEDED: "Variables larger than `PMO_MAX_VARIABLES_BYTES` "
                                           "as JSON; nothing ran.",
    ApiErrorCode.MAX_COST_EXCEEDED: "The operation may cost more than `PMO_MAX_COST` "
                                 "(`extensions.cost`, `extensions.maximumCost`); nothing ran.",
    ApiErrorCode.RATE_LIMITED: "The caller's budget is spent (HTTP 429, `Retry-After` and "
                            "`extensions.retryAfter` in seconds).",
    ApiErrorCode.PAYLOAD_TOO_LARGE: "The request body is over `PMO_MAX_BODY_BYTES` (HTTP 413).",
    ApiErrorCode.TIMEOUT: "Still unanswered after `PMO_REQUEST_TIMEOUT` seconds: cancelled "
                       "(HTTP 504).",
    ApiErrorCode.PERSISTED_QUERY_NOT_FOUND: "A persisted query's hash is unknown: send the text "
                                         "with the hash once.",
    ApiErrorCode.OPERATION_NOT_ALLOWED: "Only registered (persisted) operations run on this "
                                     "server.",
    ApiErrorCode.SERVICE_UNAVAILABLE: "The database (or Redis) cannot be reached now (HTTP 503 "
                                   "with `Retry-After`): nothing was changed; retry shortly.",
    ApiErrorCode.INTERNAL_SERVER_ERROR: "A bug: the message is hidden, `extensions.requestId` "
                                     "matches the server log.",
}
