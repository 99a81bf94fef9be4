#!/usr/bin/env bash
# Re-vendors the pinned GraphiQL build served at /graphiql/ (server/static/graphiql): npm
# installs the versions below into a throwaway folder, checks each file against the SRI hash
# in PINNED (the hashes Strawberry pins for the same versions), and copies it with its
# licence. Run by hand to upgrade: change the versions and hashes in PINNED, then run this.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=server/static/graphiql
WORK="$(mktemp -d /tmp/pmo-graphiql.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
packages="$(awk '!/^#/ && NF {print $2}' "$TARGET/PINNED" | sort -u | paste -sd' ' -)"
(cd "$WORK" && npm install --no-save --silent --no-audit --no-fund $packages)
while read -r file package path sri; do
  case "$file" in ''|'#'*) continue ;; esac
  name="${package%@*}"
  source="$WORK/node_modules/$name/$path"
  actual="sha384-$(openssl dgst -sha384 -binary "$source" | base64 -w0)"
  if [ "$actual" != "$sri" ]; then
    echo "$package $path: $actual, PINNED says $sri" >&2
    exit 1
  fi
  cp "$source" "$TARGET/$file"
  # the licence, where the package ships one (@graphiql/plugin-explorer: MIT, in package.json)
  if [ -f "$WORK/node_modules/$name/LICENSE" ]; then
    cp "$WORK/node_modules/$name/LICENSE" "$TARGET/LICENSE.${name//\//-}"
  fi
done < "$TARGET/PINNED"
echo "vendored: $packages"
