#!/usr/bin/env bash
# The read-replica test (tests/ops/test_replica.py) builds a streaming standby of the machine's
# PostgreSQL with pg_basebackup, which needs a replication connection from 127.0.0.1: allow it
# (trust, as the machine's other local connections) when the server does not yet.
set -euo pipefail
hba=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SHOW hba_file")
if ! grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$hba"
  psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null
  echo "allowed replication connections from 127.0.0.1 in $hba"
fi
