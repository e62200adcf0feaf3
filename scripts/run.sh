#!/usr/bin/env bash
# Sets everything up, then starts Source Annotator. Arguments go to the `annotator` command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found: starting the app on a virtual screen (Xvfb)." >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/annotator "$@"
fi
exec .venv/bin/annotator "$@"
