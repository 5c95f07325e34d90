#!/usr/bin/env bash
# ActiveRecord 6.1 writes the fixture (rails_side.rb), then stitch reads it: stitch-graph's
# dump of the database must equal ActiveRecord's own reading of it, key for key and in order.
#   interop.sh STITCH_GRAPH SHARED_DIR WORK_DIR sqlite|postgres
# postgres: on the server in STITCH_TEST_POSTGRES (scripts/with-postgres), in a schema of its own.
set -euo pipefail

graph="$1"
export SHARED_DIR="$2"
work="$3"
backend="$4"
rails_side="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rails_side.rb"

rm -rf "$work"
mkdir -p "$work"
case "$backend" in
  sqlite) db="$work/rails.sqlite3" ;;
  postgres)
    uri="${STITCH_TEST_POSTGRES:?STITCH_TEST_POSTGRES names the test server (scripts/with-postgres)}"
    case "$uri" in *\?*) sep='&' ;; *) sep='?' ;; esac
    db="${uri}${sep}options=-csearch_path%3Drails_interop_read"
    ;;
  *) echo "interop.sh: backend sqlite or postgres, not $backend" >&2; exit 2 ;;
esac

ruby "$rails_side" write "$db"
ruby "$rails_side" graph "$db" > "$work/activerecord.json"
"$graph" dump "$db" > "$work/stitch.json"
echo "ActiveRecord read $(grep -c '"class"' "$work/activerecord.json") objects and references"
ruby "$rails_side" diff --same-order "$work/activerecord.json" "$work/stitch.json"
