#!/usr/bin/env bash
# `make test`: provision, install the addon in a throwaway database, run every test
# (unit, ORM, browser tours in Chromium, install/upgrade/uninstall lifecycle) with
# pytest-odoo, check that Odoo's own runner would run the same tests, then lint.
# Extra arguments go to pytest, e.g. `make test T="-k gate"`.
# Exits non-zero on any failure, any skipped test (a skipped tour is a failure),
# or any lint finding; stops every process it started.
source "$(dirname "$0")/common.sh"
provision
TEST_DB=${TEST_DB:-sales_cycle_test_$$}
export SCM_TEST_DB_PREFIX=${TEST_DB}_
use_throwaway_dbs "$TEST_DB"

install_addon "$TEST_DB" test

say "running the tests (pytest-odoo, Chromium tours, lifecycle)"
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(sales_cycle_mgmt/tests tools/tests)
pytest_opts=(--odoo-config="$ODOO_CONF" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level=warn)
rc=0
(cd "$ROOT" && SCM_ODOO_CONF=$ODOO_CONF SCM_ODOO_SRC=$ODOO_SRC SCM_PYTHON=$VENV/bin/python \
  "$VENV/bin/pytest" "${pytest_opts[@]}" "${targets[@]}") || rc=$?
[ $rc -eq 0 ] || say "tests failed (pytest exit code $rc)"

say "Odoo's test runner and pytest-odoo collect the same tests"
"$VENV/bin/python" "$ROOT/tools/check_test_collection.py" "${pytest_opts[@]}" || rc=1

say "the wheel: whool builds odoo-addon-sales_cycle_mgmt, pip installs it where Odoo finds it"
"$VENV/bin/python" "$ROOT/tools/check_wheel.py" || rc=1

say "lint: ruff and pylint-odoo"
lint=0
"$VENV/bin/ruff" check "$ROOT" || lint=1
(cd "$ROOT" && "$VENV/bin/pylint" --rcfile=.pylintrc sales_cycle_mgmt) || lint=1
"$VENV/bin/python" "$ROOT/tools/gen_readme.py" --check || lint=1
"$VENV/bin/python" "$ROOT/tools/gen_dashboard.py" --check || lint=1
[ $lint -eq 0 ] || say "lint failed"

if [ $rc -ne 0 ] || [ $lint -ne 0 ]; then exit 1; fi
say "all tests and lint passed"
