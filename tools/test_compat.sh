#!/usr/bin/env bash
# `make test-compat`: the neighbours' own tests, with and without sales_cycle_mgmt.
# Two groups of suites, each run by pytest-odoo (as tools/test.sh runs ours) on two
# databases holding the same modules, "stock" without the addon and "addon" with it
# installed and loaded, so every test, at_install ones too, sees its fields, rules
# and overrides:
#   odoo: Odoo's crm, survey, survey_crm and sale_crm suites;
#   oca:  OCA 19.0 addons from PyPI (odoo-addon-* wheels, pinned below) that extend
#         crm.lead, crm.stage and survey, installed together, with their own tests.
# Prints a table per suite (tests, failures on each side, failing only with the
# addon) and exits non-zero when a test fails only with the addon.
# Environment: HTTP_PORT (the tests' Odoo server, default 8069; the shared
# .state/odoo.conf keeps its own port), COMPAT_GROUPS ("odoo oca"), COMPAT_PYTEST_ARGS
# (e.g. "-k TestUi" to check a few tests again), KEEP_DB=1.
# `tools/test_compat.sh --summary` prints the table of the last run again.
source "$(dirname "$0")/common.sh"

# The OCA wheels: 19.0 addons on crm.lead / crm.stage / survey with tests of their own.
OCA_WHEELS=(odoo-addon-crm_stage_probability==19.0.1.0.1
            odoo-addon-crm_won_restrict_per_stage==19.0.1.0.0.4
            odoo-addon-crm_lost_reason_required==19.0.1.0.0.1
            odoo-addon-crm_lead_code==19.0.1.0.0.3
            odoo-addon-survey_result_mail==19.0.1.0.0.2
            odoo-addon-survey_crm_generation==19.0.1.0.0.2)
OCA_SUITES=(crm_stage_probability crm_won_restrict_per_stage crm_lost_reason_required
            crm_lead_code survey_result_mail survey_crm_generation)
ODOO_SUITES=(crm survey survey_crm sale_crm)
ADDON_DEPS=survey,calendar,spreadsheet_dashboard  # the addon's dependencies besides crm
GROUPS_RUN=(${COMPAT_GROUPS:-odoo oca})
# Odoo 19's `odoo` is a namespace package: wheels installed into .venv would join
# odoo.addons in every run (make run, make test). They go to a folder of their own,
# on the addons path of the compat config only.
OCA_TARGET=$STATE/compat-oca
OCA_ADDONS=$OCA_TARGET/odoo/addons
COMPAT_CONF=$STATE/compat-odoo.conf
COMPAT_PORT=$HTTP_PORT
if [ -s "$ODOO_CONF" ]; then  # provision rewrites the shared config: keep its port
  HTTP_PORT=$(sed -n 's/^http_port = //p' "$ODOO_CONF")
fi

report() {
  "$VENV/bin/python" "$ROOT/tools/compat_report.py" "$STATE" "${GROUPS_RUN[@]}"
}

if [ "${1:-}" = --summary ]; then report; exit $?; fi

provision
HTTP_PORT=$COMPAT_PORT check_http_port  # HttpCase tours need Odoo's server on this port
ODOO_ADDONS=$ODOO_SRC/addons

stamp=$(printf '%s\n' "${OCA_WHEELS[@]}" | sha1sum | cut -c1-40)
if [ "$(cat "$OCA_TARGET/.scm-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "installing the OCA wheels (pip --no-deps) into $OCA_TARGET"
  rm -rf "$OCA_TARGET"
  if ! "$VENV/bin/pip" install -q --no-deps --target "$OCA_TARGET" "${OCA_WHEELS[@]}" \
       >"$STATE/compat-pip.log" 2>&1; then
    grep -v '^WARNING: Location' "$STATE/compat-pip.log" | tail -20 >&2
    die "pip could not install the OCA wheels (log: $STATE/compat-pip.log)."
  fi
  echo "$stamp" > "$OCA_TARGET/.scm-stamp"
fi

umask 077
sed -e "s|^addons_path = .*|&,$OCA_ADDONS|" -e "s/^http_port = .*/http_port = $COMPAT_PORT/" \
    -e "s/^gevent_port = .*/gevent_port = $((COMPAT_PORT + 3))/" "$ODOO_CONF" > "$COMPAT_CONF"
umask 022

RUN=${COMPAT_DB:-scm_compat_$$}
use_throwaway_dbs "$RUN"

install_modules() { # db modules log
  if ! odoo_bin -c "$COMPAT_CONF" -d "$1" -i "$2" --stop-after-init --max-cron-threads=0 \
       --log-level=warn >"$3" 2>&1 || grep -qE ' (ERROR|CRITICAL) ' "$3"; then
    grep -E ' (ERROR|CRITICAL) ' "$3" | tail -20 >&2
    die "installing $2 into $1 failed (log: $3)."
  fi
}

for g in "${GROUPS_RUN[@]}"; do
  case $g in
    odoo) suites=("${ODOO_SUITES[@]}"); dir=$ODOO_ADDONS
          modules=$(IFS=,; echo "${ODOO_SUITES[*]}"),$ADDON_DEPS ;;
    oca) suites=("${OCA_SUITES[@]}"); dir=$OCA_ADDONS
         modules=$(IFS=,; echo "${OCA_SUITES[*]}"),$ADDON_DEPS ;;
    *) die "unknown group $g in COMPAT_GROUPS (odoo, oca)" ;;
  esac
  stock=${RUN}_${g}_stock addon=${RUN}_${g}_addon
  start=$SECONDS
  say "$g: installing $modules into $stock"
  install_modules "$stock" "$modules" "$STATE/compat-$g-install-stock.log"
  say "$g: copying it to $addon and installing sales_cycle_mgmt there"
  createdb -T "$stock" "$addon"
  if [ -d "$STATE/data/filestore/$stock" ]; then
    mkdir -p "$STATE/data/filestore" && cp -a "$STATE/data/filestore/$stock" "$STATE/data/filestore/$addon"
  fi
  install_modules "$addon" sales_cycle_mgmt "$STATE/compat-$g-install-addon.log"
  targets=(); for s in "${suites[@]}"; do targets+=("$dir/$s/tests"); done
  for side in stock addon; do
    db=${RUN}_${g}_$side log=$STATE/compat-$g-$side.log xml=$STATE/compat-$g-$side.xml
    say "$g: running ${suites[*]} tests on the $side side (log: $log)"
    rm -f "$xml"
    # shellcheck disable=SC2086  # COMPAT_PYTEST_ARGS is a list of words
    (cd "$ROOT" && "$VENV/bin/pytest" -c "$ROOT/pytest.ini" --rootdir="$dir" -p no:cacheprovider \
      --odoo-config="$COMPAT_CONF" --odoo-database="$db" --odoo-http --odoo-log-level=warn \
      --junitxml="$xml" -q ${COMPAT_PYTEST_ARGS:-} "${targets[@]}") >"$log" 2>&1 || true
    [ -s "$xml" ] || { tail -30 "$log" >&2; die "the $g $side run did not finish (log: $log)."; }
    say "$g $side: $(grep -E ' in [0-9.]+s' "$log" | tail -n1 | tr -d '=')"
  done
  say "$g: done in $(( (SECONDS - start) / 60 )) min"
done

report || { say "regressions: neighbours' tests fail with sales_cycle_mgmt installed"; exit 1; }
say "no test of the neighbours fails only with sales_cycle_mgmt"
