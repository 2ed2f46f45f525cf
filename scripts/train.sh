#!/usr/bin/env bash
# Bring the trained artefacts up to date: generated NLU, the skill thresholds and the Rasa model,
# each only when what it comes from changed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/rasa-env.sh
say() { printf '\033[1m[train]\033[0m %s\n' "$*" >&2; }
# Generated NLU must match the scenarios and skill examples it comes from: checked (a few seconds: it reads the
# scenarios with spaCy) only when those, the generator or the generated files changed since the last check.
generated_from() { cat bot/rasa_data.py bot/scenarios/loader.py bot/skills/detector.py $(find data/scenarios data/skills -maxdepth 2 -name '*.yml' | sort) data/nlu/generated_*.yml 2>/dev/null | sha256sum | cut -c1-16; }
if [ "$(cat models/.rasa-data 2>/dev/null)" != "$(generated_from)" ]; then
  .venv/bin/python -m bot rasa-data --check 2>/dev/null || { say "regenerating data/nlu/generated_*.yml"; .venv/bin/python -m bot rasa-data; }
  generated_from > models/.rasa-data
fi
# The skill detectors' thresholds, fitted on data/skills when the examples changed.
.venv/bin/python -m bot skills fit --if-stale
if [ -f models/service-trainer.tar.gz ] && [ -f models/.trained ] && [ "$(cat models/.trained)" = "$(scripts/fingerprint.sh)" ]; then
  exit 0
fi
say "training the Rasa model (about a minute)..."
.venv-rasa/bin/rasa train --fixed-model-name service-trainer --out models --quiet >&2
[ -f models/service-trainer.tar.gz ] || { say "training failed"; exit 1; }
scripts/fingerprint.sh > models/.trained
say "model ready: models/service-trainer.tar.gz"
