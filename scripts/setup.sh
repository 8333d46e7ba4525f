#!/usr/bin/env bash
# Create the virtual environment and install IPT Care (editable) with its test tools.
set -euo pipefail
python="${1:-python3.11}"
venv="${2:-.venv}"
if ! command -v "$python" >/dev/null 2>&1; then
  python=python3
fi
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "IPT Care needs Python 3.11 or newer." >&2; exit 1; }
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# compat mode puts the checkout itself on the path, so a new app needs no reinstall.
"$venv/bin/python" -m pip install --quiet -e ".[dev]" --config-settings editable_mode=compat
echo "Installed IPT Care into $venv"

# PDF reports (WeasyPrint) need Pango at run time. Debian's packages, installed here
# when missing and possible (root with apt-get); otherwise everything but the PDFs works.
if ! "$venv/bin/python" -c 'import weasyprint' >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Pango (Debian packages) for the PDF reports…"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; } >/tmp/iptcare-pango-install.log 2>&1; then
      echo "Could not install Pango (see /tmp/iptcare-pango-install.log): PDF reports will not be available."
    fi
  else
    echo "Pango is not installed and this user cannot install it: PDF reports will not be available (docs/reports.md)."
  fi
fi
