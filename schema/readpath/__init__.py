"""The compiled read path: a query's lists served by one SQL statement per relation level,
shaped straight into the response.

Design note. graphql-core completes a response field by field (a resolver call, argument
conversion, an awaitable and a completion per field), which costs far more than fetching the
data. For a root list whose fields are declared (``RootList``, ``Children`` and ``Reference``
in ``schema.listing``, attached to the fields with ``plan(...)``), ``ReadPathExecutor`` plans the
selection once per request with graphql-core's own field collection (fragments, aliases,
``@skip``/``@include``, ``__typename``, variables), asks the enforcer once per relation, fetches
every level with one SQL statement of plain rows and builds the completed value itself:
scalars through the schema's own serializers, global ids, cursors and ``totalCount`` only when
selected. Whatever it cannot plan (a field with its own resolver, a forbidden relation, bad
arguments) is left to the standard executor for that field alone: the object is handed over as
a ``Partial`` whose planned fields are done and whose other fields run their resolvers, so an
error lands at its exact path as before. The declarations' ``resolve`` methods are the standard
path, so both paths read the same description; ``tests/schema/readpath`` proves them equal on
random queries. On PostgreSQL, a plan whose every value PostgreSQL writes as the schema does is
answered by one statement that builds the JSON (``sqljson``). Writes and subscriptions never
take this path.
"""
