"""Concrete suggestions for missed moments, written from what this customer actually said."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.language import mid_sentence, swap_person
from bot.scenarios.model import Scenario

if TYPE_CHECKING:
    from bot.scoring.scorecard import TurnRecord


def _yours(text: str) -> str:
    """The customer's words, said back to them mid-sentence."""
    return mid_sentence(swap_person(text))


def _customer_turns(turns: Sequence[TurnRecord]) -> list[TurnRecord]:
    return [t for t in turns if t.speaker == "customer"]


def _told_facts(scenario: Scenario, turns: Sequence[TurnRecord]) -> list[str]:
    ids = [fid for t in _customer_turns(turns) for fid in t.told]
    return [scenario.fact(fid).text for fid in dict.fromkeys(ids) if any(f.id == fid for f in scenario.facts)]


def _untold(scenario: Scenario, turns: Sequence[TurnRecord], reveal: str) -> list[str]:
    told = {fid for t in _customer_turns(turns) for fid in t.told}
    return [f.text for f in scenario.facts if f.reveal == reveal and f.id not in told]


def _first_after(turns: Sequence[TurnRecord], index: int) -> TurnRecord | None:
    return next((t for t in turns if t.speaker == "trainee" and t.index > index), None)


def _moment(skill: str, stage: str, turn: int | None, text: str) -> dict[str, Any]:
    return {"skill": skill, "stage": stage, "turn": turn, "text": text}


def suggest_for_missed(skill: str, scenario: Scenario, turns: Sequence[TurnRecord]) -> dict[str, Any] | None:
    """One concrete rewrite for a skill the trainee never used, or None if the moment never came."""
    who = scenario.persona.address_as
    customers = _customer_turns(turns)
    trainee = [t for t in turns if t.speaker == "trainee"]
    if not trainee:
        return None
    facts = _told_facts(scenario, turns)
    if skill == "greet_acknowledge":
        opening = customers[0].text if customers else ""
        return _moment(skill, "receiving", trainee[0].index,
                       f"{who} opened with \u201c{opening}\u201d. Greet and acknowledge the wait first: "
                       f"\u201cHi {who}, thanks for waiting, and I'm sorry it's taken so long.\u201d")
    if skill in ("open_question", "high_gain_question"):
        kept = _untold(scenario, turns, "open" if skill == "open_question" else "high_gain")
        kept = kept or _untold(scenario, turns, "high_gain" if skill == "open_question" else "open")
        example = ("\u201cCan you tell me what happened?\u201d" if skill == "open_question"
                   else "\u201cHow has this affected your day?\u201d or \u201cWhat would a good outcome look like for you?\u201d")
        if kept:
            return _moment(skill, "understanding", None,
                           f"{who} never told you that {_yours(kept[0])}. An open question such as {example} would have drawn it out.")
        return _moment(skill, "understanding", None, f"Ask before you solve: {example}")
    if skill == "restate_feeling":
        said = next((t for t in customers if t.feelings), None)
        if said is None:
            return _moment(skill, "understanding", None,
                           f"Listen for how {who} feels and name it back: \u201cIt sounds like this has been really {scenario.feelings[0]}.\u201d")
        feeling = said.feelings[0]
        because = f" because {_yours(facts[0])}" if facts else ""
        reply = _first_after(turns, said.index)
        return _moment(skill, "understanding", reply.index if reply else None,
                       f"When {who} said \u201c{said.text}\u201d, restate the feeling: \u201cIt sounds like you're {feeling}{because}.\u201d")
    if skill == "restate_fact":
        if not facts:
            return None
        summary = " and ".join(_yours(f) for f in facts[:2])
        return _moment(skill, "understanding", None, f"Summarise the facts back before you help: \u201cSo {summary} - have I got that right?\u201d")
    if skill == "offer_options":
        options = [o.text for o in scenario.options[:2]]
        return _moment(skill, "helping", None, "Offer concrete options, for example: " + " or ".join(options) + ".")
    if skill == "set_expectation":
        realistic = scenario.realistic_expectations[0]
        return _moment(skill, "helping", None, f"Say realistically what will happen and when, e.g. \u201c{realistic[0].upper() + realistic[1:]}.\u201d")
    if skill == "seek_agreement":
        return _moment(skill, "helping", None, f"Ask for agreement before acting: \u201cWould that work for you, {who}?\u201d")
    if skill == "check_satisfaction":
        return _moment(skill, "keeping", None, f"Check the outcome: \u201cIs that all sorted to your satisfaction now, {who}?\u201d")
    if skill == "thank":
        return _moment(skill, "keeping", None, f"Thank {who}: \u201cThank you for your patience, and for telling us about this.\u201d")
    if skill == "bridge":
        return _moment(skill, "keeping", None, "Bridge to any other need: \u201cIs there anything else I can help you with today?\u201d")
    if skill == "follow_up":
        return _moment(skill, "keeping", None, "Offer a follow-up: \u201cI'll check in with you tomorrow to make sure everything's right.\u201d")
    return None


def suggest_for_penalty(evidence: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """A better way to say what lost points."""
    who = scenario.persona.address_as
    quote = evidence["quote"]
    if evidence["skill"] == "overpromise":
        realistic = scenario.realistic_expectations[0]
        text = f"\u201c{quote}\u201d promises what you can't control. Say what you can do and when instead, e.g. \u201c{realistic[0].upper() + realistic[1:]}.\u201d"
    else:
        feeling = scenario.feelings[0]
        text = f"\u201c{quote}\u201d dismisses {who}. Acknowledge and own it instead: \u201cI can see you're {feeling}, and I'm going to sort this out.\u201d"
    return _moment(evidence["skill"], evidence["stage"], evidence["turn"], text)
