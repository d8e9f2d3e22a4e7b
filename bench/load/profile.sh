#!/usr/bin/env bash
# Per-page cost in one process (bench/load/profile.py) with run.sh's environment.
# Usage: bench/load/profile.sh OUT [page-label-substring-to-profile]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1
shift
. bench/load/env.sh
exec .venv/bin/python -m bench.load.profile "$OUT/plan.json" "$@"
