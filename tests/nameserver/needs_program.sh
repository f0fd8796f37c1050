#!/usr/bin/env bash
# Runs a test that needs an outside program, or skips it (exit 77, CTest's SKIP_RETURN_CODE)
# when that program is not installed. Any other outcome is the test's own.
#   needs_program.sh PROGRAM COMMAND [ARGS...]
set -euo pipefail
program=$1
shift
if ! command -v "$program" >/dev/null; then
  echo "$program not installed: skipped"
  exit 77
fi
exec "$@"
