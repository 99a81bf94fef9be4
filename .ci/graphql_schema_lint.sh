#!/usr/bin/env bash
# graphql-schema-linter (npm) over the committed SDL (or the SDL file given), with every rule
# it ships except the four that want fields, input fields, interface fields and enum values in
# alphabetical order: our order carries meaning (a report row's fields are its CSV columns, in
# order; enum values run in lifecycle order, PROPOSED to COMPLETED). Installed into a
# throwaway folder outside the repository; needs node and npm (apt: nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
LINT_DIR="${PMO_LINT_DIR:-/tmp/pmo-lint}"
mkdir -p "$LINT_DIR"
if [ ! -x "$LINT_DIR/node_modules/.bin/graphql-schema-linter" ]; then
  (cd "$LINT_DIR" && npm install --no-save --silent --no-audit --no-fund graphql-schema-linter graphql@16)
fi
# The rules from the package itself (an unknown rule name would be ignored without a word).
RULES="$(ls "$LINT_DIR/node_modules/graphql-schema-linter/lib/rules" | sed -n 's/\.js$//p' \
  | grep -v '_sorted_alphabetically$' | tr '_' '-' | paste -sd, -)"
test -n "$RULES"
echo "graphql-schema-linter rules: $RULES"
"$LINT_DIR/node_modules/.bin/graphql-schema-linter" --rules "$RULES" "${1:-schema/schema.graphql}"
