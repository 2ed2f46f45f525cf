#!/usr/bin/env bash
# Set up both environments on first use, and again only when their lock files change.
#   .venv-rasa  Python 3.10 + Rasa Open Source 3.6.21   (requirements-rasa.lock, from requirements-rasa.txt)
#   .venv       Python 3.11+ + the bot package           (requirements-bot.lock, from pyproject.toml)
# The lock files pin every package with its hashes (`make lock` regenerates them); they are
# installed with --require-hashes --no-deps, so nothing is resolved or upgraded here.
# Override the interpreters with PYTHON310=/path/to/python3.10 and PYTHON311=/path/to/python3.x.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
quiet_pip() { grep -v -e "is ignored: it is neither" -e "^\s*$" -e "DEPRECATION" -e "BuildBackendWarning" >&2 || true; }

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

find_python() {  # $1: variable name, $2: accepted versions regex, $3...: candidate names
  local var=$1 accept=$2; shift 2
  local explicit=${!var:-}
  if [ -n "$explicit" ]; then
    if [[ "$(version_of "$explicit")" =~ $accept ]]; then echo "$explicit"; return 0; fi
    say "$var=$explicit is not a usable Python ($(version_of "$explicit" || echo none))"; return 1
  fi
  local candidates=()
  for name in "$@"; do command -v "$name" >/dev/null 2>&1 && candidates+=("$(command -v "$name")"); done
  local root; root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for dir in "$root"/versions/*/bin; do [ -x "$dir/python" ] && candidates+=("$dir/python"); done
  for candidate in "${candidates[@]}"; do
    if [[ "$(version_of "$candidate")" =~ $accept ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}

stamp_ok() { [ -f "$1/.installed" ] && [ "$(cat "$1/.installed")" = "$2" ]; }

setup_rasa() {
  local want; want=$(cat requirements-rasa.lock | sha256sum | cut -c1-16)
  stamp_ok .venv-rasa "$want" && return 0
  local py
  if ! py=$(find_python PYTHON310 '^3\.10$' python3.10); then
    cat >&2 <<'MSG'

Rasa Open Source 3.6 (the dialogue engine) runs only on Python 3.10, and none was found
(looked at $PYTHON310, python3.10 on the PATH, and pyenv's versions). Install one, then
run the command again:
  - with pyenv:          pyenv install 3.10
  - on Debian/Ubuntu:    apt-get install python3.10 python3.10-venv   (Ubuntu: from the deadsnakes PPA)
  - on macOS (Homebrew): brew install python@3.10
or point to an existing interpreter:  PYTHON310=/path/to/python3.10 make run
MSG
    exit 2
  fi
  say "Rasa environment: .venv-rasa with $py ($(version_of "$py")); installing Rasa 3.6.21 (about 2 minutes, 2.7 GB)..."
  rm -rf .venv-rasa
  "$py" -m venv .venv-rasa
  .venv-rasa/bin/python -m pip install -q --require-hashes --no-deps -r requirements-rasa.lock 2>&1 | quiet_pip
  echo "$want" > .venv-rasa/.installed
  say "Rasa environment ready."
}

setup_bot() {
  # pyproject.toml too: the bot package itself (its metadata) is installed from it.
  local want; want=$(cat requirements-bot.lock pyproject.toml | sha256sum | cut -c1-16)
  stamp_ok .venv "$want" && return 0
  local py
  if ! py=$(find_python PYTHON311 '^3\.(1[1-9])$' python3.11 python3.12 python3.13 python3); then
    cat >&2 <<'MSG'

The bot package needs Python 3.11 or newer, and none was found (looked at $PYTHON311,
python3.11/3.12/3.13/python3 on the PATH, and pyenv's versions). Install one (pyenv install 3.11,
or apt-get install python3.11 python3.11-venv), or point to it: PYTHON311=/path/to/python3.11 make run
MSG
    exit 2
  fi
  say "Bot environment: .venv with $py ($(version_of "$py")); installing the bot package, spaCy, sentence-transformers and a CPU torch (a few minutes)..."
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | quiet_pip
  # torch first, pinned to the CPU build: a looser request can pull a multi-GB CUDA build. It is not
  # in requirements-bot.lock (see `make lock`); its dependencies are, hence --no-deps here.
  .venv/bin/python -m pip install -q --no-deps "torch==2.13.0" 2>&1 | quiet_pip
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements-bot.lock 2>&1 | quiet_pip
  .venv/bin/python -m pip install -q --no-deps -e . 2>&1 | quiet_pip
  echo "$want" > .venv/.installed
  say "Bot environment ready."
}

setup_browser() {  # Debian's Chromium for the browser tests; only where we may install system packages.
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian's chromium for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || say "could not install chromium; the browser tests will be skipped"
  fi
}

mkdir -p var models
case "${1:-all}" in
  rasa) setup_rasa ;;
  bot) setup_bot ;;
  browser) setup_browser ;;
  all) setup_rasa; setup_bot ;;
  *) echo "usage: $0 [all|rasa|bot|browser]" >&2; exit 64 ;;
esac
