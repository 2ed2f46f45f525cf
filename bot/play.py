"""Playing the customer in the pure core: one trainee turn (the skills in what they said, then the customer's reaction) and a whole
scripted session played that way (for play-tests and benchmarks). No Rasa, HTTP or database here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.scenarios import engine
from bot.scenarios.model import Scenario
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.skills.labels import Detection


class Detector(Protocol):
    """What a turn needs of the skill detectors."""

    def detect(self, text: str, context: Any = None, felt: Sequence[str] = ()) -> list[Detection]: ...

    def judge_promises(self, detections: Sequence[Detection], realistic: Sequence[str],
                       overpromises: Sequence[str]) -> list[Detection]: ...


@dataclass(frozen=True)
class TurnOutcome:
    """What one trainee message did: the skills found, the customer's new state and their reply."""

    detections: list[Detection]
    state: engine.PracticeState
    reply: engine.CustomerReply


def take_turn(scenario: Scenario, state: engine.PracticeState, text: str, heard: Sequence[str], detector: Detector,
              waited_seconds: float = 0.0) -> TurnOutcome:
    """Detect the skills in `text` (restating judged against everything the customer said, `heard`) and step the customer."""
    detections = detector.judge_promises(detector.detect(text, list(heard), scenario.feelings),
                                         scenario.realistic_expectations, scenario.overpromises)
    new_state, reply = engine.step(scenario, state, text, detections, waited_seconds=waited_seconds)
    return TurnOutcome(detections, new_state, reply)


def customer_turn(index: int, reply: engine.CustomerReply) -> TurnRecord:
    """The customer's line as the scoring reads it."""
    return TurnRecord(index, "customer", reply.text, reply.stage, frustration=reply.frustration,
                      feelings=list(reply.feelings), told=list(reply.told))


@dataclass(frozen=True)
class PlayedSession:
    """A scripted session played to its end: the final state, every turn, and the scorecard."""

    state: engine.PracticeState
    turns: list[TurnRecord]
    card: dict[str, Any]
    #: the customer's replies after each trainee line, in order (what they reacted with, for the believability checks).
    replies: tuple[engine.CustomerReply, ...] = ()


def play_lines(scenario: Scenario, difficulty: str, lines: Sequence[str], detector: Detector, seed: int = 1) -> PlayedSession:
    """Play a trainee's lines against the customer until they run out or the customer leaves, then score (as /end does)."""
    state, reply = engine.start(scenario, difficulty, seed=seed)
    turns = [customer_turn(0, reply)]
    replies: list[engine.CustomerReply] = []
    for text in lines:
        if state.ended:
            break
        heard = [t.text for t in turns if t.speaker == "customer"]
        outcome = take_turn(scenario, state, text, heard, detector)
        turns.append(TurnRecord(len(turns), "trainee", text, state.stage, detections=outcome.detections,
                                frustration=state.frustration))
        state = outcome.state
        replies.append(outcome.reply)
        turns.append(customer_turn(len(turns), outcome.reply))
    if not state.ended:
        state = engine.end_early(state)
    return PlayedSession(state, turns, scorecard(scenario, turns, state.outcome, state.nps), tuple(replies))
