#!/usr/bin/env bash
# `make test-compat`: Odoo's own crm and survey test suites, twice, each on a fresh
# database: "stock" (crm, survey, calendar installed) and "addon" (sales_cycle_mgmt
# installed, which pulls in the same three). Prints both sides' figures, the tests
# failing on both sides (stock failures, not ours) and the regressions (failing
# only with the addon); exits non-zero on any regression or when a run broke.
# Logs stay in $STATE/compat-stock.log and $STATE/compat-addon.log;
# `tools/test_compat.sh --summary` prints the summary of the last run again.
# Odoo runs a module's at_install tests right after installing that module, before
# the modules that depend on it: only the post_install tests see the addon loaded.
source "$(dirname "$0")/common.sh"

SIDES=(stock addon)
declare -A MODULES=([stock]=crm,survey,calendar [addon]=sales_cycle_mgmt)
declare -A LABEL=([stock]="without addon" [addon]="with addon")
TAGS=${COMPAT_TAGS:-/crm,/survey}  # e.g. COMPAT_TAGS=/crm:TestCRMLead for a quick look

log_of() { echo "$STATE/compat-$1.log"; }

failing() { # log -> sorted "module: Test.method" lines of the FAIL/ERROR results in it
  sed -nE 's/^.* (ERROR|CRITICAL) [^ ]+ ([^ ]+): (FAIL|ERROR): (.*)$/\2: \4/p' "$1" \
    | sed -E 's/^odoo\.addons\.//; s/[[:space:]]+$//' | sort -u
}

figure() { # side what -> a number read from the side's log
  local log; log=$(log_of "$1")
  local line; line=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading' "$log" | tail -n1)
  case $2 in
    failed) echo "$line" | awk '{print $1}' ;;
    errors) echo "$line" | awk '{print $3}' ;;
    run) echo "$line" | awk '{print $6}' ;;
    post) grep -oE '[0-9]+ post-tests in' "$log" | tail -n1 | awk '{print $1}' ;;
    skipped) grep -cE ' INFO [^ ]+ [^ ]+: skipped ' "$log" || true ;;
  esac
}

summary() { # prints the comparison of the two logs; returns 1 on a regression
  local s tmp; tmp=$(mktemp -d)
  for s in "${SIDES[@]}"; do
    [ -s "$(log_of "$s")" ] || die "no log $(log_of "$s"): run make test-compat first."
    failing "$(log_of "$s")" > "$tmp/$s"
  done
  printf '\n%-28s %15s %15s\n' "Odoo's crm and survey tests" "${LABEL[stock]}" "${LABEL[addon]}"
  local what
  for what in run post skipped failed errors; do
    local name=$what
    case $what in
      run) name="tests run" ;; post) name="  of them post_install" ;;
      failed) name="failures" ;; errors) name="errors" ;;
    esac
    printf '%-28s %15s %15s\n' "$name" "$(figure stock $what)" "$(figure addon $what)"
  done
  echo "(Odoo runs at_install tests as soon as crm or survey is installed, before the addon:"
  echo " only the post_install tests run with sales_cycle_mgmt loaded.)"
  printf '\nFailing on both sides (stock failures, not caused by the addon):\n'
  comm -12 "$tmp/stock" "$tmp/addon" | sed 's/^/  /' | grep . || echo "  none"
  printf '\nFailing only without the addon (flaky on stock?):\n'
  comm -23 "$tmp/stock" "$tmp/addon" | sed 's/^/  /' | grep . || echo "  none"
  printf '\nRegressions (failing only with the addon):\n'
  local regressions; regressions=$(comm -13 "$tmp/stock" "$tmp/addon")
  rm -rf "$tmp"
  if [ -n "$regressions" ]; then
    echo "$regressions" | sed 's/^/  /'
    printf '\nLogs: %s, %s\n' "$(log_of stock)" "$(log_of addon)"
    return 1
  fi
  echo "  none"
  printf '\nLogs: %s, %s\n' "$(log_of stock)" "$(log_of addon)"
}

if [ "${1:-}" = --summary ]; then summary; exit $?; fi

check_http_port  # HttpCase tours need Odoo's HTTP server on $HTTP_PORT
provision
RUN=${COMPAT_DB:-sales_cycle_compat_$$}
use_throwaway_dbs "$RUN"

for s in "${SIDES[@]}"; do
  log=$(log_of "$s")
  say "$s: installing ${MODULES[$s]} into the fresh database ${RUN}_$s and running Odoo's $TAGS tests (about 5 minutes; log: $log)"
  start=$SECONDS
  # Odoo exits non-zero when a test fails: the summary line tells a finished run.
  odoo_bin -c "$ODOO_CONF" -d "${RUN}_$s" -i "${MODULES[$s]}" --test-enable --test-tags "$TAGS" \
    --stop-after-init --max-cron-threads=0 --log-level=info >"$log" 2>&1 || true
  if ! grep -qE 'error\(s\) of [0-9]+ tests when loading' "$log"; then
    grep -E ' (ERROR|CRITICAL) ' "$log" | tail -20 >&2
    die "the $s run did not finish its tests (log: $log)."
  fi
  grep -q 'Test suite halted' "$log" && say "$s: Odoo stopped the suite early after too many failures"
  say "$s: done in $(( (SECONDS - start) / 60 )) min"
done

summary || { say "regressions: Odoo's own tests fail with sales_cycle_mgmt installed"; exit 1; }
say "no regression in Odoo's crm and survey tests"
