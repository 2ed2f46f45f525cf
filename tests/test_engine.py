"""The customer state machine on plain data: no Rasa, no HTTP, no database."""

from __future__ import annotations

import pytest

from bot.scenarios import engine
from bot.scenarios.model import Scenario
from bot.skills.labels import Details, Detection
from tests.conftest import det

GREET = [det("greet_acknowledge", "Hi, thanks for waiting")]
SKILLED = [
    ("Hi, thanks for waiting.", GREET),
    ("It sounds like you're frustrated.", [det("restate_feeling", "It sounds like you're frustrated.")]),
    ("How has this affected your day?", [det("open_question", "How has this affected your day?"), det("high_gain_question", "How has this affected your day?")]),
    ("So you ordered twenty minutes ago and got the wrong coffee.", [det("restate_fact", "So you ordered twenty minutes ago and got the wrong coffee.")]),
    ("I can remake your flat white now. It will be ready in five minutes.",
     [det("offer_options", "I can remake your flat white now."), det("set_expectation", "It will be ready in five minutes.")]),
    ("Does that work for you?", [det("seek_agreement", "Does that work for you?"), det("closed_question", "Does that work for you?")]),
    ("Is everything sorted now? Thank you for your patience.",
     [det("check_satisfaction", "Is everything sorted now?"), det("thank", "Thank you for your patience.")]),
]


def play(scenario: Scenario, difficulty: str, script, seed: int = 1):  # type: ignore[no-untyped-def]
    state, opening = engine.start(scenario, difficulty, seed)
    replies = [opening]
    for text, detections in script:
        if state.ended:
            break
        state, reply = engine.step(scenario, state, text, detections)
        replies.append(reply)
    return state, replies


@pytest.mark.parametrize("difficulty", ["patient", "impatient", "angry"])
def test_skilled_trainee_moves_the_customer_through_all_four_stages(cafe: Scenario, difficulty: str) -> None:
    state, replies = play(cafe, difficulty, SKILLED)
    stages = [r.stage for r in replies]
    assert stages[0] == "receiving"
    assert stages.index("understanding") < stages.index("helping") < stages.index("keeping")
    assert state.outcome == "resolved"
    assert state.nps is not None and state.nps >= 7
    assert replies[-1].mood in ("calm", "uneasy")


def test_ignoring_and_dismissing_makes_the_customer_walk_out(cafe: Scenario) -> None:
    script = [("what", []), ("whatever", []), ("calm down", [det("dismissive", "calm down")]), ("not my problem", [det("dismissive", "not my problem")])]
    state, replies = play(cafe, "impatient", script)
    assert state.outcome == "walked_out"
    assert "walk_out" in replies[-1].reactions
    assert state.nps is not None and state.nps <= 1


def test_a_rude_remark_is_answered_without_a_stalled_line_on_top(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    rude = "That's not my department."
    _, reply = engine.step(cafe, state, rude, [det("dismissive", rude)])
    assert reply.reactions == ("dismissed",)


def test_asked_about_something_in_what_they_explained_the_customer_says_it_again(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    kept_back = list(state.held_back)
    ask = "Which wrap did you order, the chicken one?"  # "chicken" is in what they explained, not in its keywords
    state, reply = engine.step(cafe, state, ask, [det("open_question", ask), det("factual_question", ask)])
    assert "already_told" in reply.reactions and "chicken wrap" in reply.text and state.held_back == kept_back


def test_asked_plainly_about_the_need_behind_the_request_the_customer_answers_it(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    ask = "What time is your meeting?"
    _, reply = engine.step(cafe, state, ask, [det("open_question", ask), det("factual_question", ask)])
    assert reply.told == ("meeting",)
    plain = "Which table are you at?"  # asks for one thing none of their facts is about: they say they don't know
    _, reply = engine.step(cafe, state, plain, [det("open_question", plain), det("factual_question", plain)])
    assert reply.reactions == ("dont_know",) and not reply.told


def test_a_general_open_question_draws_out_the_next_fact_they_kept_back(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    ask = "Tell me a bit more?"
    _, reply = engine.step(cafe, state, ask, [det("open_question", ask)])
    assert reply.reactions == ("reveal",) and reply.told == (state.held_back[0],)


def test_a_closed_question_about_a_fact_is_answered_with_that_fact(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    ask = "Could you read me the number on your receipt?"
    _, reply = engine.step(cafe, state, ask, [det("closed_question", ask)])
    assert reply.told == ("order_number",) and "forty-seven" in reply.text
    assert "Yes" not in reply.text and "No." not in reply.text  # the fact answers it, not a bare yes or no


def test_skipping_the_greeting_annoys_the_customer(cafe: Scenario) -> None:
    greeted, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    skipped, replies = play(cafe, "patient", [("what's the problem", [det("open_question", "what's the problem")])])
    assert skipped.frustration > greeted.frustration
    assert replies[-1].reactions[0] == "no_greeting"


def test_open_questions_draw_out_facts_that_closed_questions_do_not(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    kept_back = list(state.held_back)
    assert kept_back, "the scenario keeps facts back for open questions"
    closed_state, closed = engine.step(cafe, state, "Did you pay already?", [det("closed_question", "Did you pay already?")])
    assert closed.reactions == ("dont_know",) and closed.told == ()  # nothing they know answers it: no fact instead
    assert closed_state.held_back == kept_back
    _open_state, opened = engine.step(cafe, state, "What's your order number?", [det("open_question", "What's your order number?"), det("factual_question", "What's your order number?")])
    assert "reveal" in opened.reactions
    assert opened.told == ("order_number",), "a factual question draws out the fact it asks about"
    assert "forty-seven" in opened.text


def test_asked_again_for_a_fact_they_gave_the_customer_says_it_again_instead_of_something_new(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    ask = "What's your order number?"
    asked = [det("open_question", ask), det("factual_question", ask)]
    state, first = engine.step(cafe, state, ask, asked)
    assert "reveal" in first.reactions
    kept_back = list(state.held_back)
    again = "Sorry, what was the order number again?"
    state, second = engine.step(cafe, state, again, [det("open_question", again), det("factual_question", again)])
    assert "already_told" in second.reactions and "reveal" not in second.reactions
    assert "forty-seven" in second.text and second.told == () and state.held_back == kept_back


def test_high_gain_questions_reveal_the_need_behind_the_request(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    q = "What would a good outcome look like for you?"
    _, reply = engine.step(cafe, state, q, [det("open_question", q), det("high_gain_question", q)])
    assert cafe.fact(reply.told[0]).reveal == "high_gain"


def test_restating_feelings_lowers_frustration_and_overpromising_raises_it(cafe: Scenario) -> None:
    state, _ = play(cafe, "impatient", [("Hi, thanks for waiting.", GREET)])
    calmer, reply = engine.step(cafe, state, "You sound frustrated.", [det("restate_feeling", "You sound frustrated.")])
    assert calmer.frustration < state.frustration and "feeling_heard" in reply.reactions
    promise = "This will never happen again"
    worse, reply = engine.step(cafe, state, promise + ".", [det("overpromise", promise + ".")])
    assert worse.frustration > state.frustration
    assert "never happen again" in reply.text, "the customer quotes the promise back"


def test_the_customer_refers_to_the_option_the_trainee_offered(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can pack the wrap to take away for you."
    _, reply = engine.step(cafe, state, offer, [det("offer_options", offer)])
    assert "pack it to take away" in reply.text and "for me" not in reply.text  # in her words, not an echo
    assert reply.stage == "helping"


def test_an_offer_that_says_when_answers_when_without_a_separate_expectation(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can bring your wrap out in 5 mins."
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer)])
    state, reply = engine.step(cafe, state, "How does that sound?", [det("seek_agreement", "How does that sound?")])
    assert state.agreed and engine.NOT_YET_REASONS["no_expectation"] not in reply.text
    for timeless in ("I can remake your coffee.", "I can seat you at a window table."):  # "at a" is a place, not a time
        later, _ = play(cafe, "patient", SKILLED[:4])
        later, _ = engine.step(cafe, later, timeless, [det("offer_options", timeless)])
        assert not later.expectations  # an offer without a time leaves "when?" open, as before


def test_asking_how_an_offer_sounds_asks_for_agreement_not_for_more_facts(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:5])
    kept_back = list(state.held_back)
    ask = "How does that sound?"
    state, reply = engine.step(cafe, state, ask, [det("open_question", ask), det("seek_agreement", ask)])
    assert "reveal" not in reply.reactions and "nothing_to_add" not in reply.reactions and state.held_back == kept_back
    assert state.agreed


def test_saying_what_cannot_be_done_is_not_heard_as_an_option(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    text = "Unfortunately I can't give refunds on food once it's been served."
    state, reply = engine.step(cafe, state, text, [det("offer_options", text)])
    assert "option_heard" not in reply.reactions and not state.offers
    text = "I can't refund the wrap, but I can pack it to take away for you."
    state, reply = engine.step(cafe, state, text, [det("offer_options", text)])
    assert state.offers == ["pack it"] and "option_heard" in reply.reactions  # the gist, not five of her words


def test_offered_a_choice_the_customer_takes_the_option_that_meets_their_need(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can give you a full refund on the coffee, or pack your wrap to take away so you're back at your desk in time."
    state, reply = engine.step(cafe, state, offer, [det("offer_options", offer)])
    assert "pack it to take away" in reply.text and "refund" not in reply.text  # her need: back at her desk in time
    expectation = "It will be ready in three minutes."
    state, _ = engine.step(cafe, state, expectation, [det("set_expectation", expectation)])
    state, reply = engine.step(cafe, state, "Does that work for you?", [det("seek_agreement", "Does that work for you?")])
    assert state.agreed and "pack it to take away" in reply.text and "refund" not in reply.text


def test_offered_and_agreed_in_one_message_the_customer_names_the_option_once(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    expectation = "It will be ready in three minutes."
    state, _ = engine.step(cafe, state, expectation, [det("set_expectation", expectation)])
    text = "I can pack your wrap to take away. Which would suit you?"
    state, reply = engine.step(cafe, state, text, [det("offer_options", "I can pack your wrap to take away."),
                                                  det("seek_agreement", "Which would suit you?")])
    assert state.agreed and "accept" in reply.reactions and "option_heard" not in reply.reactions
    assert reply.text.count("pack it to take away") == 1


def test_an_offer_with_its_time_in_one_sentence_is_answered_once(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can remake your flat white right now and it will be with you in two minutes."
    state, reply = engine.step(cafe, state, offer, [det("offer_options", offer), det("set_expectation", offer)])
    assert "option_heard" in reply.reactions and "expectation_heard" not in reply.reactions
    assert reply.text.count("flat white") == 1 and state.expectations  # heard once, and the expectation still counts


def test_agreement_needs_an_option_and_a_realistic_expectation(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can remake your coffee."
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer)])
    state, reply = engine.step(cafe, state, "Is that okay?", [det("seek_agreement", "Is that okay?")])
    assert "not_yet" in reply.reactions and engine.NOT_YET_REASONS["no_expectation"] in reply.text
    assert not state.agreed
    expectation = "It will be ready in three minutes."
    state, _ = engine.step(cafe, state, expectation, [det("set_expectation", expectation)])
    state, reply = engine.step(cafe, state, "Is that okay?", [det("seek_agreement", "Is that okay?")])
    assert state.agreed and reply.stage == "keeping"


def test_angry_customers_need_more_skilful_moves_than_patient_ones(cafe: Scenario) -> None:
    quick = [SKILLED[0], SKILLED[4], SKILLED[5]]
    patient, _ = play(cafe, "patient", quick)
    angry, _ = play(cafe, "angry", quick)
    assert patient.agreed
    assert not angry.agreed


def test_the_customer_never_repeats_a_line_verbatim(cafe: Scenario) -> None:
    state, replies = play(cafe, "patient", [("Hi, thanks for waiting.", GREET)])
    texts = [r.text for r in replies]
    for _ in range(12):
        state.frustration = 0  # keep them from walking out, to exhaust the variants
        state, reply = engine.step(cafe, state, "ok", [])
        texts.append(reply.text)
    assert len(texts) == len(set(texts))


def test_state_round_trips_through_plain_data(cafe: Scenario) -> None:
    state, _ = play(cafe, "impatient", SKILLED[:3])
    assert engine.PracticeState.from_dict(state.to_dict()) == state


def test_an_ended_session_takes_no_more_turns(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED)
    with pytest.raises(ValueError):
        engine.step(cafe, state, "hello?", [])


def test_ending_early_gives_a_low_recommendation(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:2])
    ended = engine.end_early(state)
    assert ended.outcome == "ended_by_trainee"
    assert ended.nps is not None and ended.nps <= 5


def test_hints_follow_the_cycle(cafe: Scenario) -> None:
    state, _ = engine.start(cafe, "patient", 3)
    assert engine.hint(cafe, state).startswith("Receiving")
    state, _ = play(cafe, "patient", SKILLED[:1])
    assert "restate the feeling" in engine.hint(cafe, state)
    state, _ = play(cafe, "patient", SKILLED[:5])
    assert engine.hint(cafe, state).startswith("Helping: ask for agreement")


def test_a_plan_decided_on_is_what_the_customer_agrees_to(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    plan = "I'll remake your flat white now and bring it over in three minutes."  # skills.md: set_expectation, no option
    state, reply = engine.step(cafe, state, plan, [det("set_expectation", plan)])
    assert state.offers and state.expectations and "expectation_heard" in reply.reactions
    state, reply = engine.step(cafe, state, "Does that work for you?", [det("seek_agreement", "Does that work for you?")])
    assert state.agreed and engine.NOT_YET_REASONS["no_option"] not in reply.text


def _wait(text: str, when: str, minutes: float) -> list[Detection]:
    """A set_expectation as the detector reads it: its time, and how long a wait that is."""
    return [Detection("set_expectation", text, 0, len(text), 0.9, "rules", Details(time=when, minutes=minutes))]


def test_an_impatient_customer_pushes_back_once_on_a_first_wait_longer_than_they_take(cafe: Scenario) -> None:
    assert cafe.difficulties["impatient"].longest_wait_minutes == 5 and not cafe.difficulties["patient"].longest_wait_minutes
    state, _ = play(cafe, "impatient", SKILLED[:4])
    before = state.frustration
    state, reply = engine.step(cafe, state, "It'll be about fifteen minutes.", _wait("It'll be about fifteen minutes.", "about fifteen minutes", 15))
    assert "wait_too_long" in reply.reactions and "expectation_heard" not in reply.reactions
    assert reply.text.startswith("About fifteen minutes?") and state.frustration == before + 1 and not state.expectations
    offer = "I can remake your coffee."
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer)])
    state, reply = engine.step(cafe, state, "Is that okay?", [det("seek_agreement", "Is that okay?")])
    assert "not_yet" in reply.reactions and engine.NOT_YET_REASONS["wait_too_long"] in reply.text.lower()
    state, reply = engine.step(cafe, state, "It'll be out in five minutes.", _wait("It'll be out in five minutes.", "in five minutes", 5))
    assert "expectation_heard" in reply.reactions and state.expectations


def test_a_long_wait_is_heard_as_it_is_by_a_patient_customer_and_once_pushed_back_on(cafe: Scenario) -> None:
    long_wait = _wait("It'll be about fifteen minutes.", "about fifteen minutes", 15)
    state, _ = play(cafe, "patient", SKILLED[:4])
    state, reply = engine.step(cafe, state, "It'll be about fifteen minutes.", long_wait)
    assert "expectation_heard" in reply.reactions and "wait_too_long" not in reply.reactions
    state, _ = play(cafe, "impatient", SKILLED[:4])
    state, first = engine.step(cafe, state, "It'll be about fifteen minutes.", long_wait)
    state, again = engine.step(cafe, state, "It'll be about fifteen minutes.", long_wait)  # said again: heard, grudgingly
    assert "wait_too_long" in first.reactions and "expectation_heard" in again.reactions and state.waits_refused == 1


def test_asked_what_they_would_like_once_options_are_offered_the_customer_chooses(cafe: Scenario) -> None:
    asked = "What would you like to do?"
    choosing = Detection("open_question", asked, 0, len(asked), 0.9, details=Details(question_form="open", asks_to_choose=True))
    state, _ = play(cafe, "patient", SKILLED[:4])
    _, before = engine.step(cafe, engine.PracticeState.from_dict(state.to_dict()), asked, [choosing])
    assert not before.outcome and "accept" not in before.reactions  # nothing offered yet: no choice to make
    offer = "I can give you a full refund on the coffee, or pack your wrap to take away so you're back at your desk in time."
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer)])
    expectation = "It will be ready in three minutes."
    state, _ = engine.step(cafe, state, expectation, [det("set_expectation", expectation)])
    state, reply = engine.step(cafe, state, asked, [choosing])
    assert state.agreed and "reveal" not in reply.reactions and "pack it to take away" in reply.text  # a choice, not a fact


def test_an_expectation_with_nothing_to_say_back_is_still_answered(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    text = "I'll get it remade as soon as I can."
    state, reply = engine.step(cafe, state, text, [det("set_expectation", text)])
    assert reply.text.strip() and reply.reactions  # never silence


def test_asked_to_confirm_a_restatement_the_customer_confirms_and_adds_no_dont_know(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:1])
    said = "So you ordered twenty minutes ago and got the wrong coffee."
    text = f"{said} Have I got that right?"
    state, reply = engine.step(cafe, state, text, [det("restate_fact", said), det("closed_question", "Have I got that right?")])
    assert "fact_confirmed" in reply.reactions and "dont_know" not in reply.reactions


def test_asked_which_they_prefer_the_customer_names_the_option_nearest_their_need(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    for text in ("I can pack your wrap to take away.", "Or I can give you a full refund on the coffee."):
        state, _ = engine.step(cafe, state, text, [det("offer_options", text)])
    expectation = "It will be ready in three minutes."
    state, _ = engine.step(cafe, state, expectation, [det("set_expectation", expectation)])
    asked = "Which would you prefer?"
    choosing = Detection("closed_question", asked, 0, len(asked), 0.9, details=Details(question_form="either_or", asks_to_choose=True))
    state, reply = engine.step(cafe, state, asked, [choosing, det("seek_agreement", asked)])
    assert state.agreed and "pack it to take away" in reply.text and "refund" not in reply.text  # her need: back at her desk
