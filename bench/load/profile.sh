#!/usr/bin/env bash
# Per-page cost in one process (bench/load/profile.py) with run.sh's environment.
# Usage: bench/load/profile.sh OUT [page-label-substring-to-profile]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1
shift
export DJANGO_SETTINGS_MODULE=bench.load.settings
export DJANGO_SECRET_KEY="load-test-only-$(printf 'k%.0s' {1..60})"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=false
export EMAIL_HOST=localhost
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB:-tandem_load}"
export TANDEM_STATIC_ROOT="$OUT/static"
export TANDEM_VAR_DIR="$OUT/var"
exec .venv/bin/python -m bench.load.profile "$OUT/plan.json" "$@"
