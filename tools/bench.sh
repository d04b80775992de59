#!/usr/bin/env bash
# `make bench`: the same set-up as `make test` (virtualenv, private PostgreSQL,
# odoo.conf), then every benchmark in bench/ with the virtualenv's Python. Each
# builds and drops its own databases and prints its figures against stock Odoo.
# Arguments go to the benchmarks, e.g. `make bench B="--leads 5000"`; see
# bench/README.rst. Benchmarks are not tests: a missed target does not fail.
source "$(dirname "$0")/common.sh"
provision
trap stop_pg_if_started EXIT
trap 'exit 130' INT TERM

rc=0
for script in "$ROOT"/bench/*.py; do
  # half an hour and some 12 GB: run directly (bench/README.rst)
  [ "$(basename "$script")" = scale.py ] && continue
  say "benchmark $(basename "$script") $*"
  "$VENV/bin/python" "$script" --conf "$ODOO_CONF" "$@" || rc=$?
done
[ $rc -eq 0 ] || say "a benchmark could not run (exit code $rc)"
exit $rc
