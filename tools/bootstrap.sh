#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need: Debian packages (when root),
# Odoo's source, a virtualenv with Odoo's requirements and our test/lint tools.
# Idempotent: a second run only checks stamps and returns in about a second.
source "$(dirname "$0")/common.sh"

DEB_PACKAGES=(build-essential libldap2-dev libsasl2-dev libpq-dev libjpeg-dev zlib1g-dev
              libxml2-dev libxslt1-dev postgresql chromium fonts-liberation git)
PY_TOOLS=(pytest==8.3.5 pytest-odoo==2.3.0 websocket-client==1.8.0 phonenumbers==8.13.55
          ruff==0.17.5 pylint-odoo==10.0.12 whool==1.3.1 manifestoo-core==1.16.1)

need_debs() {
  local missing=() p
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$STATE/apt.log" 2>&1; then
    tail -20 "$STATE/apt.log" >&2
    die "apt-get could not install ${missing[*]} (log: $STATE/apt.log). Check the network or install them by hand."
  fi
}

need_odoo_src() {
  if grep -qs "version_info = (19, 0" "$ODOO_SRC/odoo/release.py"; then return 0; fi
  if [ -e "$ODOO_SRC/odoo-bin" ]; then
    die "$ODOO_SRC holds an Odoo that is not 19.0. Point ODOO_SRC at an Odoo 19.0 source tree."
  fi
  local target=$STATE/odoo
  if grep -qs "version_info = (19, 0" "$target/odoo/release.py"; then ODOO_SRC=$target; return 0; fi
  say "no Odoo 19.0 source at $ODOO_SRC: cloning $ODOO_GIT_URL (branch $ODOO_BRANCH) into $target"
  rm -rf "$target"
  if ! git clone -q --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$target" 2>"$STATE/git-clone.log"; then
    rm -rf "$target"
    die "no Odoo 19.0 source at $ODOO_SRC and cloning $ODOO_GIT_URL failed (no network? log: $STATE/git-clone.log). Put an Odoo 19.0 checkout there, or set ODOO_SRC to one."
  fi
  ODOO_SRC=$target
}

need_venv() {
  local py=${PYTHON:-}
  if [ -z "$py" ]; then
    for c in python3.11 python3; do command -v "$c" >/dev/null && { py=$(command -v "$c"); break; }; done
  fi
  [ -n "$py" ] || die "no python3 found. Install Python 3.11 (apt-get install python3 python3-venv)."
  local stamp_want
  stamp_want=$( { cat "$ODOO_SRC/requirements.txt"; printf '%s\n' "${PY_TOOLS[@]}" "$ODOO_SRC"; } | sha1sum | cut -c1-40)
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.scm-stamp" 2>/dev/null)" = "$stamp_want" ]; then return 0; fi
  "$py" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))' \
    || die "$py is older than Python 3.10, which Odoo 19 needs."
  say "creating the virtualenv $VENV (Odoo requirements: a few minutes the first time)"
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV" || die "could not create a virtualenv with $py (apt-get install python3-venv)."
  "$VENV/bin/pip" install -q --upgrade pip wheel 'setuptools<81' >/dev/null 2>&1
  if ! "$VENV/bin/pip" install -r "$ODOO_SRC/requirements.txt" "${PY_TOOLS[@]}" >"$STATE/pip.log" 2>&1; then
    grep -v '^WARNING: Location' "$STATE/pip.log" | tail -25 >&2
    die "pip could not install Odoo's requirements (log: $STATE/pip.log). On Debian the build needs: ${DEB_PACKAGES[*]}"
  fi
  # Odoo is used from its source tree, not copied: a .pth file puts it on sys.path.
  local site
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$ODOO_SRC" > "$site/odoo-src.pth"
  echo "$stamp_want" > "$VENV/.scm-stamp"
}

mkdir -p "$STATE"
need_debs
need_odoo_src
need_venv
echo "$ODOO_SRC" > "$STATE/odoo_src"
