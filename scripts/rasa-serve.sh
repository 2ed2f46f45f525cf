#!/usr/bin/env bash
# Start the Rasa server the one way the product runs it: on loopback unless RASA_HOST opens it, its HTTP API only
# with a token, browsers only from the web app's origins. make run (scripts/run.sh) and the test stack
# (tests/stack.py) both start Rasa through this script, so the tests exercise the command the product runs.
#   RASA_AUTH_TOKEN   required: the HTTP API's token
#   WEB_ORIGINS       required: the origins browsers load the trainee page from, space-separated ('*' is refused)
#   RASA_ENDPOINTS    required: the endpoints file (`bot endpoints --out FILE` writes it from the environment)
#   RASA_HOST (127.0.0.1), RASA_PORT (5005), RASA_CREDENTIALS (credentials.yml),
#   RASA_MODEL (models/service-trainer.tar.gz), RASA_BIN (.venv-rasa/bin/rasa)
set -euo pipefail
set -f  # WEB_ORIGINS is split into words, never globbed
refuse() { printf 'rasa-serve: %s\n' "$*" >&2; exit 2; }
[ -n "${RASA_AUTH_TOKEN:-}" ] || refuse "RASA_AUTH_TOKEN is not set: Rasa's HTTP API is never served without a token"
[ -n "${WEB_ORIGINS:-}" ] || refuse "WEB_ORIGINS is not set: name the web app's origin(s), e.g. http://127.0.0.1:8000"
for origin in $WEB_ORIGINS; do
  [ "$origin" != "*" ] || refuse "WEB_ORIGINS may not be '*': name the web app's origin(s)"
done
[ -n "${RASA_ENDPOINTS:-}" ] || refuse "RASA_ENDPOINTS is not set: write one with 'python -m bot endpoints --out FILE'"
# shellcheck disable=SC2086 # WEB_ORIGINS is a list of origins
exec "${RASA_BIN:-.venv-rasa/bin/rasa}" run -i "${RASA_HOST:-127.0.0.1}" --enable-api --auth-token="$RASA_AUTH_TOKEN" \
  --cors $WEB_ORIGINS --port "${RASA_PORT:-5005}" --model "${RASA_MODEL:-models/service-trainer.tar.gz}" \
  --endpoints "$RASA_ENDPOINTS" --credentials "${RASA_CREDENTIALS:-credentials.yml}"
