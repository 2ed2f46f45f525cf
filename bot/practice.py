"""A practice session, end to end: detect skills, move the customer, store every turn, score.

This is the edge the Rasa actions call: it joins the pure core (scenarios, skills, scoring)
with the store. It never imports Rasa.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from bot import customer_voice
from bot.play import TurnOutcome, take_turn
from bot.scenarios import engine
from bot.scenarios.loader import Library, load_library
from bot.scenarios.model import Scenario
from bot.scoring.chat_summary import chat_summary
from bot.scoring.moments import with_moments
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.settings import get_settings
from bot.store import repository
from bot.store.db import DatabaseUnavailable, check_revision, session_scope, with_retries
from bot.store.models import as_utc
from bot.store.text import storable

log = logging.getLogger(__name__)
#: The sender id column's length (the app tables and Rasa's tracker store alike).
MAX_SENDER_CHARS = 255


class PracticeError(ValueError):
    """A request the trainee can fix (unknown scenario, unknown difficulty, ...); the message says how."""


def customer(text: str) -> dict[str, str]:
    """A line said by the customer."""
    return {"speaker": "customer", "text": text}


def coach(text: str) -> dict[str, str]:
    """A line from the trainer itself: scenario intro, hints, scorecard, help."""
    return {"speaker": "coach", "text": text}


@dataclass
class Exchange:
    """What one trainee action produced: who said what, and the new session state."""

    lines: list[dict[str, str]]
    state: dict[str, Any] | None
    session_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    scorecard: dict[str, Any] | None = None

    @property
    def messages(self) -> list[str]:
        """The texts, in order."""
        return [line["text"] for line in self.lines]


@lru_cache(maxsize=1)
def library() -> Library:
    """The scenarios, loaded once per process; broken files are logged and left out."""
    lib = load_library(get_settings().scenarios_dir)
    for problem in lib.problems:
        log.warning("scenario left out: %s", problem)
    return lib


@lru_cache(maxsize=1)
def _database_ready() -> bool:
    """Check once per process that the database is migrated (`bot db upgrade` migrates; services never do)."""
    check_revision()
    return True


def shortened(value: str, limit: int = 40) -> str:
    """A value the trainee typed, short enough to say back to them."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def ignored_choices(command: str, scenario: str | None, difficulty: str | None) -> str | None:
    """What to say when a /start carried choices that could not be read (they are ignored, the defaults used)."""
    rest = command.strip().partition("{")[2]
    if not command.strip().startswith("/start") or not rest or scenario or difficulty:
        return None
    return ('The choices after /start could not be read, so they were ignored (write them as '
            '/start{"scenario": "cafe_late_order", "difficulty": "angry"}).')


def attributed(claimed: Any, given_pass: Any, channel: str) -> str | None:
    """The trainee named in a message's metadata, when the channel vouches for it or it carries the account's pass."""
    from bot.attribution import attributed_trainee

    name = claimed if isinstance(claimed, str) else None
    token = given_pass if isinstance(given_pass, str) else None
    return attributed_trainee(name, token, channel, get_settings().session_secret.encode())


def _scenario(scenario_id: str | None) -> Scenario:
    lib = library()
    wanted = scenario_id or get_settings().default_scenario
    scenario = lib.get(wanted)
    if scenario is None:
        known = ", ".join(sorted(lib.scenarios)) or "none loaded"
        raise PracticeError(f"There is no scenario called '{shortened(wanted)}'. Choose one of: {known}.")
    return scenario


def _payload(state: engine.PracticeState, session_id: str, reply: engine.CustomerReply | None = None) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "scenario": state.scenario_id,
        "difficulty": state.difficulty,
        "stage": state.stage,
        "mood": state.mood,
        "frustration": state.frustration,
        "ended": state.ended,
        "outcome": state.outcome,
        "reactions": list(reply.reactions) if reply else [],
    }


def begin(sender_id: str, scenario_id: str | None, difficulty: str | None, channel: str = "rest", trainee: str | None = None) -> Exchange:
    """Start a new session: the customer arrives."""
    if len(sender_id) > MAX_SENDER_CHARS:
        raise PracticeError(f"This conversation's sender id is {len(sender_id):,} characters long; at most {MAX_SENDER_CHARS} are kept.")
    scenario = _scenario(scenario_id)
    level = difficulty or get_settings().default_difficulty
    if level not in scenario.difficulties:
        raise PracticeError(f"'{scenario.title}' has no difficulty '{shortened(level)}'. Choose one of: {', '.join(scenario.difficulties)}.")
    _database_ready()
    state, reply = engine.start(scenario, level, seed=random.SystemRandom().randrange(1 << 30))

    def opened() -> str:  # the session and the customer's opening line in one transaction, so a retry starts clean
        with session_scope() as db:
            session = repository.start_session(db, sender_id, scenario.id, level, trainee=trainee, channel=channel, commit=False)
            repository.record_turn(db, session.id, "customer", reply.text, state.stage, mood=state.mood,
                                   frustration=state.frustration, details={"reactions": list(reply.reactions)})
            return session.id

    try:
        session_id = with_retries(opened)
    except DatabaseUnavailable as exc:
        log.error("a practice session could not be started (sender %s): %s", sender_id, exc)
        raise PracticeError(NOT_STARTED) from exc
    intro = f"Scenario: {scenario.title} ({level}). {scenario.setting} You are the staff member; reply to the customer."
    return Exchange([coach(intro), customer(reply.text)], state.to_dict(), session_id, _payload(state, session_id, reply))


#: What the trainee is told when a session could not be opened: the database stayed out of reach.
NOT_STARTED = ("Sorry - the training server cannot reach its database just now, so the practice session did not start. "
               "Please send /start again in a moment.")


class CustomerUnavailable(PracticeError):
    """The trainee's message is stored, but the customer could not answer it (a server fault)."""

    def __init__(self) -> None:
        super().__init__(
            "Sorry - the customer could not answer that just now (the training server hit a problem). Your message is "
            "saved, so there is no need to send it again: carry on when you are ready, or send /hint.")


#: What the trainee is told when their words could not be stored: the database stayed out of reach.
DATABASE_AWAY = ("Sorry - the training server cannot reach its database just now, so that message was not added to "
                 "your transcript yet. Please send it again in a moment.")


class Heard(NamedTuple):
    """The trainee's stored turn, and what the customer's reply is judged and phrased against."""

    turn_id: int
    #: what the customer has said so far, message by message (restating is judged against it)
    context: list[str]
    #: seconds since the customer last spoke
    waited: float
    #: the last turns, the trainee's new one included, as (speaker, text): the customer voice's context
    recent: tuple[tuple[str, str], ...]


def _hear_trainee(session_id: str, sender_id: str, text: str, state: engine.PracticeState, limit: int) -> Heard:
    """Store the trainee's words (one transaction). The same words sent again while the customer has not answered
    them (a reply lost to a fault or a timeout, and the trainee resending) are the same turn, never stored twice."""
    with session_scope() as db:
        session = _own_session(db, session_id, sender_id)
        turns = list(session.turns)
        unanswered = turns[-1] if turns and turns[-1].speaker == "trainee" and turns[-1].text == text else None
        if unanswered is not None:
            turns.pop()
        context = [t.text for t in turns if t.speaker == "customer"]
        waited = seconds_since(next((t.created_at for t in reversed(turns) if t.speaker == "customer"), None))
        earlier = [(t.speaker, t.text) for t in turns[-(customer_voice.CONTEXT_TURNS - 1):]]
        turn = unanswered or repository.record_turn(db, session_id, "trainee", text, state.stage, mood=state.mood,
                                                    frustration=state.frustration,
                                                    details={"too_long": True} if len(text) > limit else None)
        return Heard(turn.id, context, waited, (*earlier, ("trainee", text)))


def _voiced(scenario: Scenario, difficulty: str, outcome: TurnOutcome, recent: tuple[tuple[str, str], ...]) -> TurnOutcome:
    """The outcome with the customer's reply phrased by the customer voice (CUSTOMER_VOICE_URL), when it answers in
    time and keeps the plan; otherwise unchanged. Only the text changes: state, reactions and detections stay the engine's."""
    settings = get_settings()
    if not settings.customer_voice_url:
        return outcome
    reply = outcome.reply
    request = customer_voice.VoiceRequest(
        persona_name=scenario.persona.name, persona_description=scenario.persona.description, situation=scenario.situation,
        difficulty=difficulty, mood=reply.mood, planned=reply.text, reactions=reply.reactions,
        revealed=tuple(scenario.fact(fid).text for fid in reply.told), conversation=recent,
    )
    phrased = customer_voice.phrase(request, settings)
    return replace(outcome, reply=replace(reply, text=phrased)) if phrased else outcome


def _store_reply(session_id: str, turn_id: int, outcome: Any) -> None:
    """Store what the detectors found in the trainee's turn and the customer's reply (each once, when retried)."""
    new_state, reply = outcome.state, outcome.reply
    with session_scope() as db:
        if not repository.detections_of(db, turn_id):
            repository.add_detections(db, turn_id, outcome.detections)
        if repository.answered(db, turn_id):
            return  # an earlier attempt stored the reply and only its confirmation was lost
        repository.record_turn(
            db, session_id, "customer", reply.text, new_state.stage, mood=new_state.mood, frustration=new_state.frustration,
            details={"reactions": list(reply.reactions), "told": list(reply.told), "feelings": list(reply.feelings)},
        )


def too_long(length: int, limit: int) -> str:
    """The coach's reply to a message longer than the customer listens to."""
    return (f"That message is {length:,} characters long; the customer listens to at most {limit:,} at a time. "
            "It is saved in the transcript, but the customer did not hear it: please say it again in fewer words.")


def respond(sender_id: str, state_data: dict[str, Any] | None, session_id: str | None, text: str, channel: str = "rest",
            trainee: str | None = None) -> Exchange:
    """The customer's reply to one trainee message (starting the default scenario if none is running)."""
    text = storable(text or "").strip()
    if not state_data or not session_id:
        opened = begin(sender_id, None, None, channel=channel, trainee=trainee)
        if not text:
            return opened
        follow = respond(sender_id, opened.state, opened.session_id, text, channel)
        follow.lines = opened.lines + follow.lines
        return follow
    state = engine.PracticeState.from_dict(state_data)
    if state.ended:
        return Exchange(
            [coach("This practice session has ended. Send /restart to play it again, or /start to choose another scenario.")],
            state_data, session_id, _payload(state, session_id),
        )
    if not text:
        return Exchange([coach("Your message was empty - say something to the customer.")], state_data, session_id, _payload(state, session_id))
    scenario = _scenario(state.scenario_id)
    _database_ready()
    from bot.skills.detector import get_detector

    limit = get_settings().max_message_chars
    # Store the trainee's words before anything else can fail: nothing they say is lost.
    try:
        heard = with_retries(lambda: _hear_trainee(session_id, sender_id, text, state, limit))
    except DatabaseUnavailable as exc:
        log.error("the trainee's words could not be stored (session %s): %s", session_id, exc)
        raise PracticeError(DATABASE_AWAY) from exc
    if len(text) > limit:
        return Exchange([coach(too_long(len(text), limit))], state_data, session_id, _payload(state, session_id))
    try:
        outcome = take_turn(scenario, state, text, heard.context, get_detector(), waited_seconds=heard.waited)
        outcome = _voiced(scenario, state.difficulty, outcome, heard.recent)  # the words only; never the score
        detections, new_state, reply = outcome.detections, outcome.state, outcome.reply
        with_retries(lambda: _store_reply(session_id, heard.turn_id, outcome))
    except Exception as exc:
        log.exception("the customer could not answer a stored trainee turn (session %s)", session_id)
        raise CustomerUnavailable() from exc
    exchange = Exchange([customer(reply.text)], new_state.to_dict(), session_id, _payload(new_state, session_id, reply))
    exchange.payload["skills"] = [d.label for d in detections]
    if new_state.ended:
        _close(exchange, scenario, new_state)
    return exchange


#: Said when the closing turn is stored and answered but its scorecard could not be saved.
SCORECARD_LATER = ("The training server could not save your scorecard just now. Your messages are saved, so there is no "
                   "need to send anything again: send /end in a moment to see the scorecard.")


def _close(exchange: Exchange, scenario: Scenario, state: engine.PracticeState) -> None:
    """Score the session the customer's reply ended. Both turns are stored by now, so a fault here must never ask
    for the trainee's line again (a resend would store it twice): they get the reply and are told to send /end."""
    try:
        _finish(exchange, scenario, state)
    except Exception:
        log.exception("the closing turn of session %s is stored, but its scorecard could not be saved", exchange.session_id)
        exchange.lines.append(coach(SCORECARD_LATER))


def seconds_since(moment: datetime | None) -> float:
    """Seconds from a stored time (naive times are UTC, as SQLite returns them) to now."""
    if moment is None:
        return 0.0
    return max(0.0, (datetime.now(UTC) - as_utc(moment)).total_seconds())


def _own_session(db: Any, session_id: str, sender_id: str) -> Any:
    try:
        return repository.open_session_of(db, session_id, sender_id)
    except repository.SessionRefused as exc:
        raise PracticeError(str(exc)) from exc


def finish(state_data: dict[str, Any] | None, session_id: str | None, *, sender_id: str) -> Exchange:
    """The trainee ends their own session (/end): score it."""
    if not state_data or not session_id:
        raise PracticeError("There is no practice session running. Send /start to begin one.")
    _database_ready()

    def checked() -> None:
        with session_scope() as db:
            _own_session(db, session_id, sender_id)

    try:
        with_retries(checked)
    except DatabaseUnavailable as exc:
        raise PracticeError(SCORECARD_LATER) from exc
    state = engine.end_early(engine.PracticeState.from_dict(state_data))
    exchange = Exchange([], state.to_dict(), session_id, _payload(state, session_id))
    try:
        _finish(exchange, _scenario(state.scenario_id), state)
    except DatabaseUnavailable as exc:
        log.error("session %s could not be scored: %s", session_id, exc)
        raise PracticeError(SCORECARD_LATER) from exc
    return exchange


def _score(session_id: str, scenario: Scenario, state: engine.PracticeState) -> dict[str, Any]:
    """End the session and save its scorecard, in one transaction (so it can be retried whole)."""
    with session_scope() as db:
        session = repository.get_session(db, session_id)
        assert session is not None
        turns = [TurnRecord.from_dict(t) for t in repository.turn_records(session)]
        card = scorecard(scenario, turns, state.outcome, state.nps)
        repository.end_session(db, session_id, state.outcome or "ended_by_trainee", state.nps, commit=False)
        repository.save_scorecard(db, session_id, card)
        return card


def _finish(exchange: Exchange, scenario: Scenario, state: engine.PracticeState) -> None:
    session_id = exchange.session_id
    assert session_id is not None
    _database_ready()
    card = with_retries(lambda: _score(session_id, scenario, state))
    exchange.scorecard = card
    exchange.lines.append(coach(chat_summary(card, scenario)))
    exchange.payload.update({"ended": True, "outcome": state.outcome, "scorecard": card})


def hint(state_data: dict[str, Any] | None) -> str:
    """A hint for the trainee's next move."""
    if not state_data:
        return "Send /start to meet a customer, then greet them as you would at work."
    state = engine.PracticeState.from_dict(state_data)
    return "Hint: " + engine.hint(_scenario(state.scenario_id), state)


def report(sender_id: str) -> dict[str, Any] | None:
    """The sender's latest session: scorecard (scored now if it never ended) and transcript."""
    _database_ready()
    with session_scope() as db:
        session = repository.latest_session(db, sender_id)
        if session is None:
            return None
        turns = [TurnRecord.from_dict(t) for t in repository.turn_records(session)]
        if session.scorecard is not None:
            card = with_moments(session.scorecard.data, turns)  # stored before it kept Moments of Truth: worked out
        else:
            card = scorecard(_scenario(session.scenario_id), turns, session.outcome, session.nps)
        return {
            **card,
            "session_id": session.id,
            "sender_id": session.sender_id,
            "difficulty": session.difficulty,
            "ended": session.ended_at is not None,
            "transcript": repository.transcript(session),
        }

