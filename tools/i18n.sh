#!/usr/bin/env bash
# `make i18n`: regenerate sales_cycle_mgmt/i18n/sales_cycle_mgmt.pot from the code
# and bring every language's .po (id.po) up to date with it, keeping existing
# translations (new terms get an empty msgstr, terms gone from the code are
# dropped). Works in a throwaway database (without demo data), dropped at the
# end; prints how many entries of each .po are untranslated. Running it again
# on unchanged code changes nothing.
source "$(dirname "$0")/common.sh"
provision
I18N_DB=${I18N_DB:-sales_cycle_i18n_$$}
I18N_DIR=$ROOT/sales_cycle_mgmt/i18n
LANGS=(id)
use_throwaway_dbs "$I18N_DB"

install_addon "$I18N_DB" i18n

say "exporting the translation template to sales_cycle_mgmt/i18n/sales_cycle_mgmt.pot"
mkdir -p "$I18N_DIR"
if ! odoo_bin i18n export -c "$ODOO_CONF" -d "$I18N_DB" -l pot \
     -o "$I18N_DIR/sales_cycle_mgmt.pot" sales_cycle_mgmt >"$STATE/i18n-export.log" 2>&1 \
     || grep -q ' ERROR \| WARNING ' "$STATE/i18n-export.log"; then
  tail -40 "$STATE/i18n-export.log" >&2
  die "exporting the translation template failed (log: $STATE/i18n-export.log)."
fi

for lang in "${LANGS[@]}"; do
  "$VENV/bin/python" "$ROOT/tools/i18n_merge.py" \
    "$I18N_DIR/sales_cycle_mgmt.pot" "$I18N_DIR/$lang.po" "$lang"
done
