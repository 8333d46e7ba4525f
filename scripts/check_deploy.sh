#!/usr/bin/env bash
# Django's deployment checklist against production settings; any warning fails.
set -euo pipefail
cd "$(dirname "$0")/.."
IPTCARE_ENV=production \
SECRET_KEY="${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
ALLOWED_HOSTS="${ALLOWED_HOSTS:-clinic.example.org}" \
EMAIL_HOST="${EMAIL_HOST:-mail.example.org}" \
IPTCARE_AUDIT_KEY="${IPTCARE_AUDIT_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
DATABASE_URL="${DATABASE_URL:-sqlite:////tmp/iptcare-deploy-check.sqlite3}" \
DJANGO_SETTINGS_MODULE=iptcare.settings \
  .venv/bin/python -m django check --deploy --fail-level WARNING
