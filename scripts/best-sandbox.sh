#!/usr/bin/env bash
# Prints the best grading sandbox this machine can offer: "docker" when an engine runs (or can be
# started) and the grading image is built (or can be), otherwise "local" (no container isolation).
# Progress goes to stderr; only the answer goes to stdout. Usage: scripts/best-sandbox.sh PYTHON
set -uo pipefail
python=${1:-.venv/bin/python}
if bash "$(dirname "$0")/start-docker.sh" >&2 && "$python" -m sandbox.image.build >&2; then
  echo docker
else
  echo "WARNING: no Docker sandbox here; grading uses the LOCAL backend (development only:" \
       "no container isolation, see the README)." >&2
  echo local
fi
