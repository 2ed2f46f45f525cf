# Sourced by scripts/run.sh: turn the Slack channel on when both tokens are set (docs/slack.md), and say which.
# On: Rasa reads var/credentials.slack.yml (credentials.yml + slack/credentials.yml), and the web app and the
# channel share a TRAINER_API_TOKEN (made up for this run unless set).
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  mkdir -p var
  { cat "${RASA_CREDENTIALS:-credentials.yml}"; echo; cat slack/credentials.yml; } > var/credentials.slack.yml
  export RASA_CREDENTIALS=var/credentials.slack.yml
  export TRAINER_API_TOKEN=${TRAINER_API_TOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
  export WEB_PUBLIC_URL=${WEB_PUBLIC_URL:-http://127.0.0.1:${WEB_PORT:-8000}}
  say "Slack channel ON: Slack posts to <public URL of Rasa>/webhooks/slack/webhook (credentials: $RASA_CREDENTIALS)"
else
  say "Slack channel off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on (docs/slack.md)"
fi
