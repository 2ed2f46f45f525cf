#!/usr/bin/env bash
# make run: set up on first use, train when data changed, start Rasa (:5005), the action
# server (:5055) and the web app (:8000), print the URLs, and stop all three on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/rasa-env.sh
say() { printf '\033[1m[run]\033[0m %s\n' "$*" >&2; }

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
WEB_PORT=${WEB_PORT:-8000}
export RASA_URL=${RASA_URL:-http://127.0.0.1:$RASA_PORT}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:$ACTION_PORT}
export WEB_PORT

bash scripts/setup.sh all
bash scripts/train.sh
mkdir -p var/log
# Rasa's endpoints from the environment (ACTION_SERVER_URL, TRACKER_STORE_URL, REDIS_URL; see docs/deploy.md),
# unless RASA_ENDPOINTS names a file of your own.
if [ -z "${RASA_ENDPOINTS:-}" ]; then
  .venv/bin/python -m bot endpoints --out var/endpoints.yml
  RASA_ENDPOINTS=var/endpoints.yml
fi
# Rasa's HTTP API needs a token and the action server only answers Rasa: both come from the environment,
# else from var/secrets/ (generated on first use, owner-only).
export RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-$(.venv/bin/python -m bot secret RASA_AUTH_TOKEN)}
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(.venv/bin/python -m bot secret ACTION_SERVER_TOKEN)}
# Loopback by default. A deployment behind the web app or a reverse proxy sets RASA_HOST=0.0.0.0 (and WEB_HOST),
# and WEB_ORIGINS to the addresses browsers load the trainee page from.
RASA_HOST=${RASA_HOST:-127.0.0.1}
WEB_HOST=${WEB_HOST:-127.0.0.1}
WEB_ORIGINS=${WEB_ORIGINS:-"http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT"}
source scripts/slack-env.sh

pids=()
stop() {
  trap - INT TERM HUP EXIT
  trap '' PIPE  # the terminal or a pipe may be gone already: stop the services all the same
  say "stopping..." || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  say "stopped." || true
}
trap 'stop; exit 0' INT TERM HUP
trap stop EXIT

# Each child in its own session, so Ctrl-C reaches only this script, which stops them in order.
own_session=""; command -v setsid >/dev/null 2>&1 && own_session=setsid
# Rasa first: loading its model is the longest wait, and it never touches the app's tables (its tracker store is
# its own database), so it loads while the app's database is migrated.
RASA_HOST=$RASA_HOST RASA_PORT=$RASA_PORT WEB_ORIGINS=$WEB_ORIGINS RASA_ENDPOINTS=$RASA_ENDPOINTS \
  $own_session sh scripts/rasa-serve.sh > var/log/rasa.log 2>&1 & pids+=($!)
# Migrate once, before the app's services start: they only check the revision.
.venv/bin/python -m bot db upgrade
# A first admin when there is none (password from ADMIN_PASSWORD, else generated and printed once).
.venv/bin/python -m bot users ensure-admin
$own_session .venv/bin/python -m bot.actions_server --port "$ACTION_PORT" > var/log/actions.log 2>&1 & pids+=($!)
$own_session .venv/bin/python -m bot web --host "$WEB_HOST" --port "$WEB_PORT" > var/log/web.log 2>&1 & pids+=($!)

wait_for() {  # name url pid
  local name=$1 url=$2 pid=$3
  for _ in $(seq 1 180); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { say "$name exited; see var/log/"; tail -n 20 "var/log/$name.log" >&2; return 1; }
    sleep 1
  done
  say "$name did not come up in 3 minutes; see var/log/$name.log"; return 1
}
say "starting Rasa, the action server and the web app (loading Rasa's model takes about 30 s)..."
wait_for actions "http://127.0.0.1:$ACTION_PORT/health" "${pids[1]}"
wait_for web "http://127.0.0.1:$WEB_PORT/health" "${pids[2]}"
wait_for rasa "http://127.0.0.1:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" "${pids[0]}"
cat >&2 <<MSG

  Trainee page:   http://127.0.0.1:$WEB_PORT/   (sign in; coaches: /coach, admins: /admin)
  Rasa server:    http://127.0.0.1:$RASA_PORT/   (REST: POST /webhooks/rest/webhook, socket.io)
  Action server:  http://127.0.0.1:$ACTION_PORT/health
  Rasa HTTP API:  needs ?token=\$RASA_AUTH_TOKEN (in var/secrets/rasa_auth_token unless you set it)
  Logs:           var/log/{rasa,actions,web}.log
  Press Ctrl-C to stop all three.

MSG
# If one process dies, say which and keep the others up: the trainee page explains what is down.
names=(rasa actions web)
alive=("${pids[@]}")
while [ "${#alive[@]}" -gt 0 ]; do
  wait -n "${alive[@]}" 2>/dev/null || true
  still=()
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then still+=("${pids[$i]}")
    elif [[ " ${alive[*]} " == *" ${pids[$i]} "* ]]; then say "${names[$i]} stopped (see var/log/${names[$i]}.log); the others keep running. Ctrl-C stops all."; fi
  done
  alive=("${still[@]}")
done
