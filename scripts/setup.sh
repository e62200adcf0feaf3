#!/usr/bin/env bash
# Sets up everything Source Annotator needs on a Debian machine with Python 3.11+:
# Qt's system libraries (xcb platform plugin, fonts, Xvfb for headless runs) and a
# virtual environment in .venv with the app and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_SYSTEM_PACKAGES=(
  libegl1 libgl1 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
  libx11-xcb1 fonts-dejavu-core xvfb xauth
)

PYTHON="${PYTHON:-python3}"
# Debian splits venv (ensurepip) out of python3 itself.
"$PYTHON" -c 'import ensurepip' 2>/dev/null || QT_SYSTEM_PACKAGES+=(python3-venv)

missing=()
for pkg in "${QT_SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Qt's system libraries: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))'; then
  echo "Source Annotator needs Python 3.11 or newer; $("$PYTHON" --version) found." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
