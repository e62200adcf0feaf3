#!/usr/bin/env bash
# Sets up everything Source Annotator needs on a Debian (or Ubuntu) machine with Python 3.11+:
# Qt's system libraries (xcb platform plugin, fonts, Xvfb for headless runs) and a virtual
# environment in .venv with the app and its test tools. With --for-tests it also installs R's
# readr and LibreOffice Calc (headless, ~265 MB), which the tests use to open the exported dataset
# as R and spreadsheet users will. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Source Annotator needs Python 3.11 or newer: install Debian's python3 package." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))'; then
  echo "Source Annotator needs Python 3.11 or newer; $("$PYTHON" --version 2>&1) found." >&2
  exit 1
fi

SYSTEM_PACKAGES=(
  libegl1 libgl1 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
  libx11-xcb1 fonts-dejavu-core xvfb xauth
)
[ "${1:-}" = "--for-tests" ] && SYSTEM_PACKAGES+=(r-cran-readr libreoffice-calc-nogui)
# Debian splits venv (ensurepip) out of python3 itself.
"$PYTHON" -c 'import ensurepip' 2>/dev/null || SYSTEM_PACKAGES+=(python3-venv)

installed() {  # Debian 13 renamed some libraries with a t64 suffix; either name will do.
  local name
  for name in "$1" "$1t64"; do
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" && return 0
  done
  return 1
}

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "These system packages are missing and there is no sudo to install them:" >&2
    echo "  ${missing[*]}" >&2
    echo "Install them as root (apt-get install ...), then run this again." >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  to_install=()
  for pkg in "${missing[@]}"; do
    if apt-cache show "${pkg}t64" >/dev/null 2>&1; then to_install+=("${pkg}t64"); else to_install+=("$pkg"); fi
  done
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${to_install[@]}" >/dev/null
fi

if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv  # missing or half-made
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
# Reinstall only when the project's dependencies changed (a stamp keyed on pyproject.toml).
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ] || ! .venv/bin/python -c 'import annotator' 2>/dev/null; then
  # The build backend's warnings are noise on success; show them only when the install fails.
  if ! .venv/bin/python -m pip install -q -e ".[test]" >.venv/install.log 2>&1; then
    cat .venv/install.log >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
