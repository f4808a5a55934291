#!/usr/bin/env bash
# Install everything pressbrief needs on a fresh Debian machine, then the package itself
# (editable, with test tools) in .venv/. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint's system libraries: Pango for text, HarfBuzz's subsetter for small fonts;
# Chromium for the tests that open the HTML email at phone width.
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium)
missing=()
for package in "${system_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# Bytecode for the package, as a wheel's install writes it: every `pressbrief` command (and
# test) would otherwise compile it again where PYTHONDONTWRITEBYTECODE is set.
.venv/bin/python -m compileall -q pressbrief
