#!/usr/bin/env bash
# stitch and ActiveRecord 6.1 on one database (the Rails side: rails_side.rb).
#   interop.sh read  STITCH_GRAPH SHARED_DIR WORK_DIR sqlite|postgres
#     ActiveRecord writes the fixture; stitch-graph's dump of it must equal ActiveRecord's own
#     reading, key for key and in order; a row of a type stitch does not know is an error that
#     names it.
#   interop.sh write STITCH_GRAPH SHARED_DIR WORK_DIR sqlite|postgres
#     stitch-graph copies the fixture into a database with Rails' schema and into an empty one
#     (stitch creates the tables); ActiveRecord must read each copy as it reads the original
#     (and the copy in Rails' schema hold the same stored values, timestamps' text included, and
#     the tables stitch created have the columns, types, index and foreign-key names of Rails'
#     own),
#     find its own tables (ar_internal_metadata, schema_migrations) unchanged, then insert new
#     rows of every model without reusing an id.
#   interop.sh enum  STITCH_GRAPH SHARED_DIR WORK_DIR sqlite|postgres STITCH_RAILS_IMPORTS
#     Rails' enum columns (an imports table with status and priority enums): stitch reads the
#     integers ActiveRecord wrote as the values ActiveRecord reads, ActiveRecord reads the
#     values stitch wrote; a value the C++ enum lacks (Rails' `archived`) is an error naming
#     table, column, row and value.
# postgres: on the server in STITCH_TEST_POSTGRES (scripts/with-postgres), a schema per database.
set -euo pipefail

mode="$1"
graph="$2"
export SHARED_DIR="$3"
work="$4"
backend="$5"
rails_side="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rails_side.rb"
rails() { ruby "$rails_side" "$@"; }

# The location of database $1 of this test.
location() {
  case "$backend" in
    sqlite) echo "$work/$1.sqlite3" ;;
    postgres)
      local uri="${STITCH_TEST_POSTGRES:?STITCH_TEST_POSTGRES names the test server (scripts/with-postgres)}"
      local sep='?'
      case "$uri" in *\?*) sep='&' ;; esac
      echo "${uri}${sep}options=-csearch_path%3Drails_${mode}_$1"
      ;;
    *) echo "interop.sh: backend sqlite or postgres, not $backend" >&2; exit 2 ;;
  esac
}

rm -rf "$work"
mkdir -p "$work"
source_db="$(location rails)"
rails write "$source_db"
rails graph "$source_db" > "$work/activerecord.json"
echo "ActiveRecord wrote and read $(grep -c '"class"' "$work/activerecord.json") objects and references"

case "$mode" in
  read)
    "$graph" dump "$source_db" > "$work/stitch.json"
    rails diff --same-order "$work/activerecord.json" "$work/stitch.json"
    # A type the C++ hierarchy does not know: the default policy raises unknown_type, naming
    # the table, the row and the value.
    rails retype "$source_db" 2 LegacySource
    if "$graph" dump "$source_db" > /dev/null 2> "$work/unknown_type.txt"; then
      echo "stitch-graph read a row of unknown type without complaint" >&2
      exit 1
    fi
    cat "$work/unknown_type.txt"
    for word in stitch.unknown_type data_sources 'id 2' LegacySource; do
      grep -qF "$word" "$work/unknown_type.txt" ||
        { echo "the unknown_type message does not say $word" >&2; exit 1; }
    done
    ;;
  write)
    # Into Rails' own tables: the same graph, attributes in the same order.
    with_schema="$(location rails_schema)"
    rails schema "$with_schema"
    rails internal "$with_schema" > "$work/internal_before.json"
    "$graph" copy "$source_db" "$with_schema"
    rails graph "$with_schema" > "$work/copy_into_rails_schema.json"
    rails diff --same-order "$work/activerecord.json" "$work/copy_into_rails_schema.json"
    # Row for row, value for value as stored: the same text for every timestamp, the same NULLs.
    rails rows "$source_db" > "$work/rows_original.json"
    rails rows "$with_schema" > "$work/rows_copied.json"
    cmp "$work/rows_original.json" "$work/rows_copied.json"
    if [ "$backend" = sqlite ]; then
      # The shared benchmark's own check of a database someone else wrote.
      ruby "$SHARED_DIR/bench/activerecord/verify_fixture.rb" "$with_schema" \
        "$work/activerecord.json" > /dev/null
    fi
    # Rails' own tables are left as they were.
    rails internal "$with_schema" > "$work/internal_after.json"
    cmp "$work/internal_before.json" "$work/internal_after.json"
    rails append "$with_schema"
    # Into an empty database: stitch creates the tables.
    empty="$(location empty)"
    if [ "$backend" = postgres ]; then rails empty "$empty"; fi
    "$graph" copy "$source_db" "$empty"
    rails graph "$empty" > "$work/copy_into_empty.json"
    rails diff --same-order "$work/activerecord.json" "$work/copy_into_empty.json"
    # The tables stitch created are the tables Rails' migrations create: the same columns in
    # the same order with the same SQL types and NULLs, the same index and foreign-key names.
    rails structure "$with_schema" > "$work/structure_rails.json"
    rails structure "$empty" > "$work/structure_stitch.json"
    rails diff --same-order "$work/structure_rails.json" "$work/structure_stitch.json"
    rails append "$empty"
    ;;
  enum)
    imports="${6:?interop.sh enum: the stitch-rails-imports program}"
    rails imports-write "$source_db"
    rails imports "$source_db" > "$work/imports_activerecord.json"
    "$imports" read "$source_db" > "$work/imports_stitch.json"
    rails diff --same-order "$work/imports_activerecord.json" "$work/imports_stitch.json"
    # stitch changes a row and adds one of every status; ActiveRecord reads what stitch holds.
    "$imports" write "$source_db" > "$work/imports_written.json"
    rails imports "$source_db" > "$work/imports_after_write.json"
    rails diff --same-order "$work/imports_written.json" "$work/imports_after_write.json"
    # The Rails application archives an import: a value the C++ enum does not declare.
    rails imports-archive "$source_db" 3
    if "$imports" read "$source_db" > /dev/null 2> "$work/undeclared.txt"; then
      echo "stitch read an enum value its declaration lacks without complaint" >&2
      exit 1
    fi
    cat "$work/undeclared.txt"
    for word in stitch.data_error 'column imports.status of row id 3' 'holds 4' \
                'enum Status (queued = 0, running = 1, done = 2, failed = 3)'; do
      grep -qF "$word" "$work/undeclared.txt" ||
        { echo "the message does not say $word" >&2; exit 1; }
    done
    ;;
  *) echo "interop.sh: mode read, write or enum, not $mode" >&2; exit 2 ;;
esac
