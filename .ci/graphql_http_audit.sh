#!/usr/bin/env bash
# The graphql-http npm package's server audit against `pmo serve` in the production profile
# (SQLite, seeded demo). graphql-http is installed into a throwaway folder outside the
# repository; needs node and npm (apt: nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
AUDIT_DIR="${PMO_AUDIT_DIR:-/tmp/pmo-audit}"
mkdir -p "$AUDIT_DIR"
if [ ! -d "$AUDIT_DIR/node_modules/graphql-http" ]; then
  (cd "$AUDIT_DIR" && npm install --no-save --silent --no-audit --no-fund graphql-http graphql)
fi
WORK="$(mktemp -d)"
PORT="${PMO_AUDIT_PORT:-8765}"
export PMO_ENV=production PMO_SECRET_KEY="audit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PMO_DATABASE_URL="sqlite+aiosqlite:///$WORK/audit.db" PMO_PORT="$PORT"
# Two of the audits query __type(name:): introspection is on for this run (PMO_INTROSPECTION=1,
# the production switch for it); graphql-cop's checks (tests/server) run with it off.
export PMO_INTROSPECTION=1
.venv/bin/pmo db upgrade >/dev/null
.venv/bin/pmo seed --demo >/dev/null 2>&1
TOKEN="$(.venv/bin/pmo token pm.alice@example.com 2>/dev/null | tail -1)"
.venv/bin/pmo serve --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done
cp .ci/graphql_http_audit.mjs "$AUDIT_DIR/"
node "$AUDIT_DIR/graphql_http_audit.mjs" "http://127.0.0.1:$PORT/graphql" "$TOKEN"
