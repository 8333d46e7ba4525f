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
