"""The scorecard said in the chat at the end of a practice session (web page, REST and Slack alike): a few lines
from the stored scorecard. Pure: plain data in, text out."""

from __future__ import annotations

from typing import Any

from bot.scenarios.model import Scenario
from bot.scoring.moments import stored


def chat_summary(card: dict[str, Any], scenario: Scenario) -> str:
    """The scorecard in a few lines of chat."""
    stages = ", ".join(f"{name.capitalize()} {s['score']}/{s['max']}" for name, s in card["stages"].items())
    lost = (card.get("penalties") or {}).get("points", 0)
    lines = [f"Scorecard: {card['overall']}/100 - {stages}" + (f", penalties -{lost}." if lost else ".")]
    nps = card.get("nps")
    if nps:
        lines.append(f"Asked how likely they are to recommend us, {scenario.persona.address_as} said {nps['score']}/10 ({nps['category']}).")
    moments = moments_line(card)
    if moments:
        lines.append(moments)
    if card["suggestions"]:
        lines.append("Try next time: " + card["suggestions"][0]["text"])
    return "\n".join(lines)


def moments_line(card: dict[str, Any]) -> str | None:
    """'Moments of Truth: 2 positive, 1 negative, 1 redundant.' (None on a card without them)."""
    moments = stored(card)
    if moments is None:
        return None
    counts = moments["summary"]
    return f"Moments of Truth: {counts['positive']} positive, {counts['negative']} negative, {counts['redundant']} redundant."
