"""The customer: a state machine over the customer interaction cycle, on plain data.

One call per trainee message: :func:`step` takes the scenario, the state so far and the
skills detected in the message, and returns the new state and the customer's reply.
Nothing here touches Rasa, HTTP or a database.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.language import Offer, describe_offer
from bot.language.text import key_words
from bot.scenarios.answers import answer
from bot.scenarios.heard import expectation_said, follow_up_said, offer_said, promise_said
from bot.scenarios.model import Scenario
from bot.scenarios.turn import WALK_OUT_AT, CustomerReply, PracticeState, Turn, mood_for
from bot.skills.labels import Detection

__all__ = ["NOT_YET_REASONS", "CustomerReply", "PracticeState", "address", "end_early", "final_nps", "hint", "mood_for",
           "nps_category", "start", "step"]
ACCEPT_MAX_FRUSTRATION = 7
#: the longest plan the customer names when agreeing to it.
ACCEPT_PLAN_WORDS = 6
KEEPING_TURNS_BEFORE_LEAVING = 3
NOT_YET_REASONS: dict[str, str] = {
    "no_option": "you haven't told me what you can actually do",
    "no_expectation": "I still don't know when any of this will happen",
    "not_understood": "I don't think you've really understood what happened yet",
    "too_upset": "I'm still upset about how this has been handled",
    "wait_too_long": "that's still far too long to wait",
}


def address(scenario: Scenario, state: PracticeState) -> str:
    """How to address the customer now: their title until they invite first-name terms."""
    return scenario.first_name if state.first_name else scenario.persona.address_as


def nps_category(score: int) -> str:
    """Promoter (9-10), passive (7-8) or detractor (0-6)."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def start(scenario: Scenario, difficulty: str, seed: int) -> tuple[PracticeState, CustomerReply]:
    """A new session: the customer arrives and says their opening line."""
    level = scenario.difficulties[difficulty]
    volunteered = [f.id for f in scenario.facts if f.reveal == "volunteered"]
    kept = [f.id for f in scenario.facts if f.reveal == "open"]
    high_gain = [f.id for f in scenario.facts if f.reveal == "high_gain"]
    tell_now = volunteered[: max(1, level.volunteer)]
    state = PracticeState(
        scenario_id=scenario.id,
        difficulty=difficulty,
        seed=seed,
        frustration=level.start_frustration,
        held_back=volunteered[len(tell_now) :] + kept + high_gain,
    )
    turn = Turn(scenario, state)
    own = f"opening_{difficulty}"  # an angry customer does not open with "Sorry to interrupt"
    turn.say(own if scenario.lines.get(own) else "opening")
    return state, turn.reply()


def step(
    scenario: Scenario, state: PracticeState, text: str, detections: Iterable[Detection], waited_seconds: float = 0.0,
) -> tuple[PracticeState, CustomerReply]:
    """The customer's reaction to one trainee message, which came `waited_seconds` after their last words."""
    state = PracticeState.from_dict(state.to_dict())
    if state.ended:
        raise ValueError("this practice session has already ended")
    state.turn += 1
    found: dict[str, Detection] = {}
    for detection in detections:
        found.setdefault(detection.label, detection)
    turn = Turn(scenario, state, text)
    level = scenario.difficulties[state.difficulty]

    if waited_seconds > level.patience_seconds:
        turn.frustrate(1 if waited_seconds < 2 * level.patience_seconds else 2)
        turn.say("kept_waiting")
    if "dismissive" in found:
        turn.frustrate(3)
        turn.say("dismissed")
    if state.stage == "receiving":
        _receive(turn, found)
    elif state.stage in ("understanding", "helping"):
        _understand_and_help(turn, found, text)
    else:
        _keep(turn, found)

    if not turn.progress and not state.ended:
        # one weak line tries their patience a little; lines that go nowhere, one after another, wear it out
        turn.frustrate(level.stall_penalty if state.stalled_last else max(1, level.stall_penalty - 1))
        if "dismissed" not in turn.reactions:  # after answering rudeness, "Are you still there?" reads oddly
            turn.say("prompt_for_help" if state.stage == "understanding" and not state.held_back else "stalled")
    elif state.stage == "understanding" and not state.held_back and not {"option_heard", "expectation_heard"} & set(turn.reactions):
        turn.say("prompt_for_help")
    if not turn.parts:  # heard, with nothing to say back ("I'll get it remade as soon as I can."): never silence
        turn.say("listening")

    state.stalled_last = not turn.progress
    if state.frustration >= WALK_OUT_AT and not state.ended:
        turn.reactions.clear()
        turn.parts.clear()
        turn.say("walk_out")
        state.outcome = "walked_out"
        state.nps = final_nps(state)
    return state, turn.reply()


def end_early(state: PracticeState) -> PracticeState:
    """The trainee ended the session before the customer left."""
    state = PracticeState.from_dict(state.to_dict())
    if not state.ended:
        state.outcome = "ended_by_trainee"
        state.nps = final_nps(state)
    return state


def final_nps(state: PracticeState) -> int:
    """The customer's answer to 'How likely are you to recommend us?' (0-10), from how it went."""
    if state.outcome == "walked_out":
        return 0 if state.frustration >= WALK_OUT_AT + 1 else 1
    score = 10.0 - 0.8 * state.frustration
    score += 1.0 if state.checked else 0.0
    score += 0.5 if state.thanked else 0.0
    score += 0.5 if state.followed_up else 0.0
    score -= 1.0 * len(state.promises)
    if not state.agreed:
        score = min(score, 5.0)
    return max(0, min(10, round(score)))


def hint(scenario: Scenario, state: PracticeState) -> str:
    """What a coach would whisper now, in the cycle's vocabulary."""
    who = address(scenario, state)
    if state.ended:
        return "This session has ended: read your scorecard, then /restart to try again."
    if state.stage == "receiving":
        return f"Receiving: greet {who} and acknowledge that they have been waiting before anything else."
    if state.stage == "understanding":
        if state.feelings_expressed and "feeling" not in state.moves_made:
            feeling = state.feelings_expressed[-1]
            return f"Understanding: restate the feeling you heard - {who} sounds {feeling}. Try 'It sounds like you're {feeling}...'."
        if state.held_back:
            return "Understanding: ask an open question (what, how, tell me...) - there is more to this than you have heard. A high-gain question asks how it affects them or what would be a good outcome."
        return "Understanding is done: summarise the facts back, then move to Helping and offer options."
    if state.stage == "helping":
        if not state.offers:
            return "Helping: offer one or two concrete options."
        if not state.expectations:
            return "Helping: set a realistic expectation - say what will happen and when, without promising the impossible."
        return "Helping: ask for agreement - 'Does that plan work for you?'"
    if not state.checked:
        return f"Keeping: check {who} is satisfied with the outcome."
    if not state.thanked:
        return f"Keeping: thank {who} for their patience and their business."
    return f"Keeping: bridge - ask {who} if there is anything else you can help with - or promise a follow-up."


# --- the stages -----------------------------------------------------------------------------


def _receive(turn: Turn, found: dict[str, Detection]) -> None:
    state = turn.state
    if "greet_acknowledge" in found and "dismissive" not in found:
        turn.frustrate(-1)
        turn.say("explain")
    else:
        turn.frustrate(1)
        turn.say("no_greeting")
    state.stage = "understanding"
    turn.progress = True


def _understand_and_help(turn: Turn, found: dict[str, Detection], text: str) -> None:
    if "restate_feeling" in found:
        turn.frustrate(-2)
        turn.move("feeling")
        turn.say("feeling_heard")
    if "restate_fact" in found:
        turn.frustrate(-1)
        turn.move("fact")
        turn.say("fact_confirmed")
    _answer_question(turn, found)
    agreement_asked = any(label in found for label in ("seek_agreement", "check_satisfaction")) or _asks_to_choose(turn, found)
    if "offer_options" in found:
        _hear_offer(turn, found)
    if "set_expectation" in found:
        _hear_expectation(turn, found)
    if "overpromise" in found:
        promise = promise_said(found["overpromise"])
        turn.state.promises.append(promise)
        turn.frustrate(1 if turn.state.difficulty == "patient" else 2)
        turn.say("overpromised", promise=promise)
        turn.progress = True
    # closing words while helping ask to wrap up; a follow-up promised inside the plan does not ("…and we'll text you")
    wants_to_close = any(label in found for label in ("thank", "bridge")) and turn.state.stage == "helping"
    if agreement_asked or wants_to_close:
        _asked_to_agree(turn, found)


def _asks_to_choose(turn: Turn, found: dict[str, Detection]) -> bool:
    """A question of which they would like ("What would you like to do?") once options are on the table."""
    return bool(turn.state.offers) and any(
        found[label].details is not None and found[label].details.asks_to_choose  # type: ignore[union-attr]
        for label in ("open_question", "closed_question") if label in found)


def _answer_question(turn: Turn, found: dict[str, Detection]) -> bool:
    """A question answered from the customer's facts (bot.scenarios.answers): the one it asks for, kept back or
    already told, or an honest "I don't know". True if a question was answered."""
    state, scenario = turn.state, turn.scenario
    asked_to_agree = {found[label].span for label in ("seek_agreement", "check_satisfaction", "bridge") if label in found}
    if _asks_to_choose(turn, found):
        return False  # "What would you like to do?" after options asks them to choose, not for more facts
    confirmed = found["restate_fact"].span if "restate_fact" in found else None  # "So that was Tuesday?" is confirmed
    question = found.get("high_gain_question") or found.get("open_question") or found.get("closed_question")
    offered = found["offer_options"].span if "offer_options" in found else None  # "Refund or billing?" offers a choice
    if not question or question.span in asked_to_agree or question.span in (confirmed, offered):
        return False  # "How does that sound?" asks them to agree, not for more facts
    said = answer(scenario, state, question, "high_gain_question" in found, "factual_question" in found)
    if confirmed is not None and question.label == "closed_question" and said.reaction == "dont_know":
        return False  # "Have I got that right?" after a restatement asks to confirm it: confirmed, nothing to add
    turn.progress = True
    if said.reaction == "reveal" and said.fact_id:
        state.held_back.remove(said.fact_id)
        turn.move(f"asked:{said.fact_id}")
        turn.say("reveal", fact=scenario.fact(said.fact_id).text)
        turn.told.append(said.fact_id)
        state.told.append(said.fact_id)
    elif said.reaction == "already_told" and said.fact_id:
        turn.say("already_told", fact=scenario.fact(said.fact_id).text)
    else:
        turn.say(said.reaction)
    return True


def _hear_offer(turn: Turn, found: dict[str, Detection]) -> None:
    state = turn.state
    heard = _offer(found["offer_options"])
    if not heard.clause or heard.refused:  # "I can't refund it without a receipt" informs; it offers nothing
        return
    # Offered a choice ("…, or …"), the customer takes the one closest to what they need.
    chosen = _preferred(turn.scenario, list(heard.options))
    details = found["offer_options"].details
    if details is not None and details.question_form and not details.said_back:
        return  # "Which would you prefer?" asks them to choose among what was offered; it offers nothing new
    offer = offer_said(found["offer_options"], heard.gists[chosen])
    state.offers.append(offer or heard.gists[chosen])
    turn.move(f"offer:{len(state.offers)}")
    if offer:
        turn.say("option_heard", offer=offer)
    else:
        turn.say("listening")
    if state.stage != "keeping":  # a further offer after agreeing is heard; the plan agreed stands
        state.stage = "helping"
    if heard.timed[chosen] and "set_expectation" not in found:
        state.expectations.append(offer)  # "seat me in 10 mins" tells them when, too: no "I still don't know when"


def _hear_expectation(turn: Turn, found: dict[str, Detection]) -> None:
    state = turn.state
    if _too_long_a_wait(turn, found["set_expectation"]):
        return
    plan = _offer(found["set_expectation"]) if "offer_options" not in found else None
    if plan and plan.planned and plan.clause and not plan.refused:
        # "I'll remove the fee today": one plan decided on is what they agree to
        state.offers.append(offer_said(found["set_expectation"], plan.gists[0]))
    expectation = expectation_said(found["set_expectation"])
    state.expectations.append(expectation or found["set_expectation"].span)
    turn.frustrate(-1)
    turn.move(f"expectation:{len(state.expectations)}")
    offered_in_it = "offer_options" in found and found["offer_options"].span == found["set_expectation"].span
    if expectation and not (offered_in_it and "option_heard" in turn.reactions):  # one sentence is answered once
        turn.unsay("listening")  # "Okay." alone to an offer with a time: the time is what they hold on to
        turn.say("expectation_heard", expectation=expectation)
    state.stage = "helping"


def _too_long_a_wait(turn: Turn, expectation: Detection) -> bool:
    """The first wait they hear, when longer than this customer takes (their level's longest_wait_minutes): they
    push back once, and it is no expectation they agree to; the trainee has to find something sooner, another way,
    or say it again. Later times ("mains within thirty minutes" once the table is settled) are heard as they are.
    True if they pushed back."""
    longest = turn.scenario.difficulties[turn.state.difficulty].longest_wait_minutes
    minutes = expectation.details.minutes if expectation.details is not None else None
    first_wait = not turn.state.expectations and not turn.state.waits_refused
    if not longest or minutes is None or minutes <= longest or not first_wait:
        return False
    turn.state.stage = "helping"
    turn.state.waits_refused += 1
    turn.frustrate(1)
    turn.say("wait_too_long", expectation=expectation_said(expectation))  # a wait in minutes: its time, said back
    turn.progress = True
    return True


def _asked_to_agree(turn: Turn, found: dict[str, Detection]) -> None:
    state, scenario = turn.state, turn.scenario
    state.stage = "helping"
    reason = _not_ready_because(turn)
    if reason is None:
        state.agreed = True
        state.stage = "keeping"
        turn.frustrate(-2)
        # asked which they would like, they take the option nearest their need; asked to agree, the last one offered
        plan = state.offers[_preferred(scenario, state.offers)] if _asks_to_choose(turn, found) else state.offers[-1]
        if plan and len(plan.split()) <= ACCEPT_PLAN_WORDS:
            turn.say("accept", plan=plan)
            turn.unsay("option_heard")  # offered and agreed in one message: the acceptance names the option once
        else:  # no short way to name it: "Okay, let's do that", never the trainee's sentence said back
            turn.say("accept_plain")
        if scenario.lines.get("call_me") and not state.first_name:
            turn.say("call_me")
            state.first_name = True
        if "check_satisfaction" in found:
            state.checked = True
    else:
        turn.say("not_yet", reason=NOT_YET_REASONS[reason])
    turn.progress = True


def _keep(turn: Turn, found: dict[str, Detection]) -> None:
    state = turn.state
    _answer_question(turn, found)  # "Where are you staying, so I can send it?" is answered after agreeing too
    if "offer_options" in found:
        _hear_offer(turn, found)
    if "check_satisfaction" in found or "seek_agreement" in found:
        # "Does that plan work?" after agreeing is answered, but only asking how it went checks satisfaction
        state.checked = state.checked or "check_satisfaction" in found
        turn.frustrate(-1)
        turn.say("satisfied")
    if "thank" in found:
        state.thanked = True
        turn.frustrate(-1)
        turn.say("thanked")
    if "follow_up" in found:
        state.followed_up = True
        turn.say("followed_up", follow_up=follow_up_said(found["follow_up"]))
    if "bridge" in found:
        state.bridged = True
        turn.say("bridged")
    if turn.reactions:
        turn.progress = True
    else:
        state.keeping_turns += 1  # a turn that gives them nothing more: they wait a little, then go
    closing = state.checked and (state.thanked or state.bridged)
    if closing or state.keeping_turns >= KEEPING_TURNS_BEFORE_LEAVING:
        turn.progress = True
        turn.say("goodbye")
        state.outcome = "resolved"
        state.nps = final_nps(state)


def _offer(detection: Detection) -> Offer:
    """An offer as the language pipeline read it: from the detection's details, or read from its span."""
    details = detection.details
    if details is not None and details.offer and details.options:
        return Offer(details.offer, details.options, details.options, details.timed, details.refused, details.planned)
    return describe_offer(detection.span)


def _preferred(scenario: Scenario, options: list[str]) -> int:
    """Of the options offered, the one sharing most words with the customer's need (the first on a tie)."""
    need = key_words(scenario.need)
    return max(range(len(options)), key=lambda i: (len(need & key_words(options[i])), -i))


def _not_ready_because(turn: Turn) -> str | None:
    state = turn.state
    level = turn.scenario.difficulties[state.difficulty]
    if not state.offers:
        return "no_option"
    if not state.expectations:
        return "wait_too_long" if state.waits_refused else "no_expectation"
    if state.frustration > ACCEPT_MAX_FRUSTRATION:
        return "too_upset"
    if state.moves < level.moves_to_accept:
        return "not_understood"
    return None
