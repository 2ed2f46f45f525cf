#!/bin/sh
# Start the Rasa server the one way the product runs it: make run (scripts/run.sh), the test stack (tests/stack.py),
# the Rasa image (deploy/Dockerfile.rasa) and the Helm values all start Rasa through this script, so the tests
# exercise the command a deployment runs. The HTTP API only with a token, CORS only for the web app's origins,
# the project's channels and endpoints, loopback unless told.
#   RASA_AUTH_TOKEN   required: the token of Rasa's HTTP API (never started without one)
#   WEB_ORIGINS       the origins browsers load the trainee page from, space-separated; never '*'
#                     (default: the web app on 127.0.0.1 and localhost, as make run)
#   RASA_HOST         the interface to listen on (default 127.0.0.1: loopback unless told; containers set 0.0.0.0)
#   RASA_PORT, RASA_MODEL, RASA_ENDPOINTS, RASA_CREDENTIALS   (defaults: 5005, models/service-trainer.tar.gz,
#                     endpoints.yml, credentials.yml, relative to the working directory)
#   RASA_BIN          the rasa command (default: .venv-rasa/bin/rasa when there is one, else rasa on the PATH)
# Further arguments are passed to `rasa run`.
set -eu
set -f  # WEB_ORIGINS is split on spaces, never globbed
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  echo "rasa-serve: RASA_AUTH_TOKEN is not set; Rasa's HTTP API is never started without a token" >&2
  exit 2
fi
WEB_PORT=${WEB_PORT:-8000}
WEB_ORIGINS=${WEB_ORIGINS:-"http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT"}
for origin in $WEB_ORIGINS; do
  case "$origin" in
    *'*'*) echo "rasa-serve: WEB_ORIGINS must name the web app's origins, not '$origin'" >&2; exit 2 ;;
  esac
done
endpoints=${RASA_ENDPOINTS:-endpoints.yml}
if [ ! -f "$endpoints" ]; then
  echo "rasa-serve: no endpoints file $endpoints: mount the one \`python -m bot endpoints\` writes, or set RASA_ENDPOINTS" >&2
  exit 2
fi
rasa=${RASA_BIN:-rasa}
[ -n "${RASA_BIN:-}" ] || [ ! -x .venv-rasa/bin/rasa ] || rasa=.venv-rasa/bin/rasa
# --auth-token=VALUE: a generated token may begin with '-', which `--auth-token VALUE` would take for an option.
# shellcheck disable=SC2086 # WEB_ORIGINS is a list of origins
exec "$rasa" run -i "${RASA_HOST:-127.0.0.1}" --port "${RASA_PORT:-5005}" \
  --enable-api --auth-token="$RASA_AUTH_TOKEN" --cors $WEB_ORIGINS \
  --model "${RASA_MODEL:-models/service-trainer.tar.gz}" \
  --endpoints "$endpoints" --credentials "${RASA_CREDENTIALS:-credentials.yml}" "$@"
