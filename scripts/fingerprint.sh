#!/usr/bin/env bash
# A hash of everything the Rasa model is trained from (the custom NLU step in bot/channels/ included).
cd "$(dirname "$0")/.."
cat config.yml domain.yml requirements-rasa.txt bot/channels/message_cap.py $(find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null | sort) | sha256sum | cut -c1-16
