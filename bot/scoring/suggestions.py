"""Concrete suggestions for missed moments, written from what this customer actually said."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.language import first_upper, mid_sentence, swap_person, understand
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


@dataclass(frozen=True)
class _Session:
    """What every piece of advice reads: the scenario, its turns, who the customer is and what they told."""

    scenario: Scenario
    turns: Sequence[TurnRecord]
    who: str
    customers: list[TurnRecord]
    trainee: list[TurnRecord]
    facts: list[str]


_Advice = Callable[[str, _Session], dict[str, Any] | None]


def _greet_acknowledge(skill: str, s: _Session) -> dict[str, Any] | None:
    opening = s.customers[0].text if s.customers else ""
    if _mentions_waiting(opening):
        advice = f"Greet and acknowledge the wait first: \u201cHi {s.who}, thanks for waiting, and I'm sorry it's taken so long.\u201d"
    else:
        advice = f"Greet and acknowledge {s.who} before anything else: \u201cHi {s.who}, thanks for coming to me - I'm listening.\u201d"
    return _moment(skill, "receiving", s.trainee[0].index, f"{s.who} opened with \u201c{opening}\u201d. {advice}")


def _mentions_waiting(text: str) -> bool:
    """Whether the customer's words speak of waiting (by the parse's lemmas: 'waiting', 'waited', 'wait')."""
    return any(token.lemma_.lower() == "wait" for sentence in understand(text).sentences for token in sentence.span)


def _question(skill: str, s: _Session, reveal: str, other: str, example: str) -> dict[str, Any] | None:
    kept = _untold(s.scenario, s.turns, reveal) or _untold(s.scenario, s.turns, other)
    if kept:
        return _moment(skill, "understanding", None,  # their own words, quoted: no pronouns to get wrong
                       f"{s.who} never got to tell you \u201c{first_upper(kept[0])}.\u201d An open question such as {example} "
                       "would have drawn it out.")
    return _moment(skill, "understanding", None, f"Ask before you solve: {example}")


def _open_question(skill: str, s: _Session) -> dict[str, Any] | None:
    return _question(skill, s, "open", "high_gain", "\u201cCan you tell me what happened?\u201d")


def _high_gain_question(skill: str, s: _Session) -> dict[str, Any] | None:
    return _question(skill, s, "high_gain", "open",
                     "\u201cHow has this affected your day?\u201d or \u201cWhat would a good outcome look like for you?\u201d")


def _restate_feeling(skill: str, s: _Session) -> dict[str, Any] | None:
    said = next((t for t in s.customers if t.feelings), None)
    if said is None:
        return _moment(skill, "understanding", None,
                       f"Listen for how {s.who} feels and name it back: \u201cIt sounds like this has been really {s.scenario.feelings[0]}.\u201d")
    feeling = said.feelings[0]
    # the fact said with the feeling, said back to them, then the feeling: no cause the customer never gave
    facts = [s.scenario.fact(fid).text for fid in said.told if any(f.id == fid for f in s.scenario.facts)] or s.facts
    fact = f"{first_upper(_yours(facts[-1]))} - " if facts else ""
    reply = _first_after(s.turns, said.index)
    return _moment(skill, "understanding", reply.index if reply else None,
                   f"When {s.who} said \u201c{said.text}\u201d, restate the feeling: \u201c{fact}no wonder you feel {feeling}.\u201d")


def _restate_fact(skill: str, s: _Session) -> dict[str, Any] | None:
    if not s.facts:
        return None
    summary = " and ".join(_yours(f) for f in s.facts[:2])
    return _moment(skill, "understanding", None, f"Summarise the facts back before you help: \u201cSo {summary} - have I got that right?\u201d")


def _offer_options(skill: str, s: _Session) -> dict[str, Any] | None:
    options = [o.text for o in s.scenario.options[:2]]
    return _moment(skill, "helping", None, "Offer concrete options, for example: " + " or ".join(options) + ".")


def _realistic(scenario: Scenario) -> str:
    """The scenario's first realistic expectation, as a sentence."""
    realistic = scenario.realistic_expectations[0]
    return realistic[0].upper() + realistic[1:]


def _set_expectation(skill: str, s: _Session) -> dict[str, Any] | None:
    return _moment(skill, "helping", None, f"Say realistically what will happen and when, e.g. \u201c{_realistic(s.scenario)}.\u201d")


def _seek_agreement(skill: str, s: _Session) -> dict[str, Any] | None:
    return _moment(skill, "helping", None, f"Ask for agreement before acting: \u201cWould that work for you, {s.who}?\u201d")


def _check_satisfaction(skill: str, s: _Session) -> dict[str, Any] | None:
    return _moment(skill, "keeping", None, f"Check the outcome: \u201cIs that all sorted to your satisfaction now, {s.who}?\u201d")


def _thank(skill: str, s: _Session) -> dict[str, Any] | None:
    return _moment(skill, "keeping", None, f"Thank {s.who}: \u201cThank you for your patience, and for telling us about this.\u201d")


def _bridge(skill: str, s: _Session) -> dict[str, Any] | None:
    return _moment(skill, "keeping", None, "Bridge to any other need: \u201cIs there anything else I can help you with today?\u201d")


def _follow_up(skill: str, s: _Session) -> dict[str, Any] | None:
    times = [d.details.time for t in s.trainee for d in t.detections
             if d.label == "set_expectation" and d.details is not None and d.details.time]
    when = f"once that's happened ({times[-1]})" if times else "tomorrow"  # after what the trainee said would happen
    return _moment(skill, "keeping", None, f"Offer a follow-up: \u201cI'll get back to you {when} to make sure it's all sorted.\u201d")


#: label -> the advice for a session that never showed the skill.
MISSED_ADVICE: dict[str, _Advice] = {
    "greet_acknowledge": _greet_acknowledge,
    "open_question": _open_question,
    "high_gain_question": _high_gain_question,
    "restate_feeling": _restate_feeling,
    "restate_fact": _restate_fact,
    "offer_options": _offer_options,
    "set_expectation": _set_expectation,
    "seek_agreement": _seek_agreement,
    "check_satisfaction": _check_satisfaction,
    "thank": _thank,
    "bridge": _bridge,
    "follow_up": _follow_up,
}


def suggest_for_missed(skill: str, scenario: Scenario, turns: Sequence[TurnRecord]) -> dict[str, Any] | None:
    """One concrete rewrite for a skill the trainee never used, or None if the moment never came."""
    trainee = [t for t in turns if t.speaker == "trainee"]
    if not trainee:
        return None
    session = _Session(scenario, turns, scenario.persona.address_as, _customer_turns(turns), trainee, _told_facts(scenario, turns))
    advice = MISSED_ADVICE.get(skill)
    return advice(skill, session) if advice else None


def _overpromise(evidence: dict[str, Any], scenario: Scenario) -> str:
    return (f"\u201c{evidence['quote']}\u201d promises what you can't control. "
            f"Say what you can do and when instead, e.g. \u201c{_realistic(scenario)}.\u201d")


def _dismissive(evidence: dict[str, Any], scenario: Scenario) -> str:
    return (f"\u201c{evidence['quote']}\u201d dismisses {scenario.persona.address_as}. "
            f"Acknowledge and own it instead: \u201cI can see you're {scenario.feelings[0]}, and I'm going to sort this out.\u201d")


#: label -> the better way to say what lost points (any other penalty gets the dismissive one's).
PENALTY_ADVICE: dict[str, Callable[[dict[str, Any], Scenario], str]] = {
    "overpromise": _overpromise,
    "dismissive": _dismissive,
}


def suggest_for_penalty(evidence: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """A better way to say what lost points."""
    text = PENALTY_ADVICE.get(evidence["skill"], _dismissive)(evidence, scenario)
    return _moment(evidence["skill"], evidence["stage"], evidence["turn"], text)
