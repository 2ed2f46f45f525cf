"""The customer's reply is composed as one utterance and stays in the conversation while the trainee is still
helping (issue 14): one acknowledgement, what was offered said back in their words, no early goodbye."""

from __future__ import annotations

from dataclasses import replace

from bench.playtests import stacked_acknowledgements
from bot.language.text import echoes
from bot.scenarios import engine
from bot.scenarios.model import Scenario
from bot.scenarios.turn import Turn, composed
from bot.skills.labels import Details
from tests.conftest import det
from tests.test_engine import GREET, SKILLED, play


def test_a_reply_acknowledges_once_however_many_skills_it_answers() -> None:
    parts = composed(("feeling_heard", "fact_confirmed", "reveal"),
                     ("It really has been frustrating.", "That's right.", "Well, my receipt says order forty-seven."))
    assert parts == ["It really has been frustrating.", "Well, my receipt says order forty-seven."]


def test_a_filler_is_said_only_when_the_reply_says_nothing_else() -> None:
    assert composed(("listening", "accept_plain"), ("Okay, go on.", "Okay, let's do that.")) == ["Okay, let's do that."]
    assert composed(("listening",), ("Okay, go on.",)) == ["Okay, go on."]


def test_a_sentence_is_not_said_twice_in_one_reply() -> None:
    parts = composed(("satisfied", "goodbye"), ("Thanks for your help.", "Thanks for your help. Bye."))
    assert " ".join(parts).count("Thanks for your help") == 1


def test_restating_feeling_and_fact_at_once_gets_one_natural_answer(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:1])
    text = "So twenty minutes and the wrong coffee - no wonder you're frustrated."
    _, reply = engine.step(cafe, state, text, [det("restate_feeling", text), det("restate_fact", text)])
    assert reply.reactions[:2] == ("feeling_heard", "fact_confirmed")
    assert not stacked_acknowledgements(reply.text)


def test_an_offer_is_said_back_in_the_customers_words_not_echoed(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "Right, here's what I can do: I'll make you a proper flat white now and bring the wrap out to you."
    _, reply = engine.step(cafe, state, offer, [det("offer_options", offer)])
    assert "option_heard" in reply.reactions and not echoes(offer, reply.text)
    assert "flat white" in reply.text or "wrap" in reply.text


def test_an_expectation_is_answered_with_its_time(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    text = "The flat white will be two or three minutes and the wrap five at the outside."
    state, reply = engine.step(cafe, state, text, [det("set_expectation", text)])
    assert "two or three minutes" in reply.text.lower() and not echoes(text, reply.text)


def test_a_question_after_agreeing_is_still_answered(airline: Scenario) -> None:
    state, _ = _agreed(airline)
    ask = "Where are you staying, so I can put it on the delivery form?"
    state, reply = engine.step(airline, state, ask, [det("open_question", ask), det("factual_question", ask)])
    assert reply.told == ("hotel",) and "Harbour Hotel" in reply.text and not state.ended


def test_the_customer_stays_while_the_trainee_keeps_helping_and_leaves_when_closed(airline: Scenario) -> None:
    state, _ = _agreed(airline)
    plan = "Does that plan work for you?"
    state, _ = engine.step(airline, state, plan, [det("seek_agreement", plan), det("closed_question", plan)])
    more = "I'll also ring you at 8 tomorrow morning with an update. Anything else I can help with tonight?"
    state, _ = engine.step(airline, state, more, [det("follow_up", "I'll also ring you at 8 tomorrow morning with an update."),
                                                  det("bridge", "Anything else I can help with tonight?")])
    assert not state.ended, "asked to agree again is no satisfaction check: they wait for the close"
    close = "Has that sorted things for you tonight? Thanks for your patience."
    state, reply = engine.step(airline, state, close, [det("check_satisfaction", "Has that sorted things for you tonight?"),
                                                       det("thank", "Thanks for your patience.")])
    assert state.ended and state.outcome == "resolved" and "goodbye" in reply.reactions


def test_an_either_or_question_over_the_options_is_no_question_for_a_fact(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    text = "Remake or refund?"
    _, reply = engine.step(cafe, state, text, [det("closed_question", text), det("offer_options", text)])
    assert "dont_know" not in reply.reactions and "reveal" not in reply.reactions


def _agreed(airline: Scenario) -> tuple[engine.PracticeState, engine.CustomerReply]:
    script = [
        ("Hello, sorry you've had a wait. What's happened?", [det("greet_acknowledge", "Hello, sorry you've had a wait."),
                                                            det("open_question", "What's happened?")]),
        ("You must be shattered.", [det("restate_feeling", "You must be shattered.")]),
        ("What does this mean for your trip?", [det("open_question", "What does this mean for your trip?"),
                                                det("high_gain_question", "What does this mean for your trip?")]),
        ("I can give you an overnight kit tonight.", [det("offer_options", "I can give you an overnight kit tonight.")]),
        ("The next flight lands at eleven tonight.", [det("set_expectation", "The next flight lands at eleven tonight.")]),
        ("Would that help?", [det("seek_agreement", "Would that help?"), det("closed_question", "Would that help?")]),
    ]
    state, replies = play(airline, "patient", script)
    assert state.agreed and state.stage == "keeping" and not state.ended
    return state, replies[-1]


def test_an_angry_customer_opens_in_character(cafe: Scenario) -> None:
    angry = {engine.start(cafe, "angry", seed)[1].text for seed in range(12)}
    patient = {engine.start(cafe, "patient", seed)[1].text for seed in range(12)}
    assert angry <= set(cafe.lines["opening_angry"]) and patient <= set(cafe.lines["opening"])
    assert not any("sorry" in line.lower() for line in angry)


def test_an_angry_customer_explains_in_character_and_names_their_feeling(cafe: Scenario) -> None:
    greeting = [("Hi, sorry for the wait, what happened?", GREET)]
    angry = [play(cafe, "angry", greeting, seed)[1][-1] for seed in range(6)]
    patient = [play(cafe, "patient", greeting, seed)[1][-1] for seed in range(6)]
    assert all("explain" in r.reactions and r.feelings for r in angry + patient)  # each names a feeling of hers
    assert not any("thank" in r.text.lower() for r in angry)  # no "Okay, thanks for stopping" when furious
    assert any("thank" in r.text.lower() for r in patient)


def test_asked_which_they_prefer_the_customer_chooses_and_hears_no_new_offer(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "I can remake your flat white now, or pack the wrap to take away."
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer)])
    ask = "Which would you prefer?"
    asked = replace(det("offer_options", ask), details=Details(offer="which would I prefer", options=("which would I prefer",),
                                                               timed=(False,), question_form="either_or"))
    state, reply = engine.step(cafe, state, ask, [asked, det("closed_question", ask)])
    assert len(state.offers) == 1 and "prefer" not in reply.text


def test_agreeing_to_a_plan_with_no_short_name_the_customer_does_not_say_the_trainees_sentence_back(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    offer = "card refund takes 3-5 working days, store credit u can use straight away"
    state, _ = engine.step(cafe, state, offer, [det("offer_options", offer), det("set_expectation", offer)])
    state, reply = engine.step(cafe, state, "ok?", [det("seek_agreement", "ok?"), det("closed_question", "ok?")])
    assert state.agreed and "accept_plain" in reply.reactions and not echoes(offer, reply.text)


def test_one_weak_line_costs_less_patience_than_weak_lines_in_a_row(cafe: Scenario) -> None:
    state, _ = play(cafe, "impatient", SKILLED[:1])
    before = state.frustration
    state, _ = engine.step(cafe, state, "ok", [])
    once = state.frustration - before
    state, _ = engine.step(cafe, state, "right", [])
    again = state.frustration - before - once
    assert (once, again) == (1, 2)  # the impatient level's stall penalty is 2


def test_a_follow_up_promised_inside_the_plan_is_not_taken_as_asking_to_agree(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    when = "The wrap will be out in five minutes."
    state, _ = engine.step(cafe, state, when, [det("set_expectation", when)])  # with a time, only the asking is missing
    text = "I can remake your flat white now, and I'll text you when the wrap is ready."
    state, reply = engine.step(cafe, state, text, [det("offer_options", "I can remake your flat white now,"),
                                                   det("follow_up", "I'll text you when the wrap is ready.")])
    assert not state.agreed and state.stage == "helping" and "accept" not in reply.reactions


def test_the_customer_picks_a_phrasing_that_does_not_parrot_the_trainee(cafe: Scenario) -> None:
    # "If you can {offer}, …" after "I can refund the lunch order." would repeat five of the trainee's words
    offer = "I can refund the lunch order."
    state, _ = play(cafe, "patient", SKILLED[:4])
    for seed in range(12):
        _, reply = engine.step(cafe, replace(state, seed=seed), offer, [det("offer_options", offer)])
        assert "option_heard" in reply.reactions and "lunch order" in reply.text and not echoes(offer, reply.text)


def test_a_follow_up_is_said_back_by_its_time_where_the_whole_would_parrot_the_trainee() -> None:
    from bot.scenarios.heard import follow_up_said
    from tests.conftest import det

    assert follow_up_said(det("follow_up", "I'll chase the kitchen by Friday.")) == "by Friday"
    assert follow_up_said(det("follow_up", "I'll ring you tomorrow.")) == "ring me tomorrow"


def test_an_offer_with_its_time_in_one_sentence_is_answered_with_the_time_not_a_bare_okay(cafe: Scenario) -> None:
    state, _ = play(cafe, "patient", SKILLED[:4])
    text = "The wrap takes 3 to 5 minutes to come out, the coffee you can have straight away."
    state, reply = engine.step(cafe, state, text, [det("set_expectation", text), det("offer_options", text)])
    assert "expectation_heard" in reply.reactions and "3 to 5 minutes" in reply.text  # not "3 To 5 minutes"


def test_only_a_customer_who_was_angry_apologises_for_it(airline: Scenario) -> None:
    assert not any("short earlier" in line for line in airline.lines["thanked"])
    assert any("short earlier" in line for line in airline.lines["thanked_angry"])
    state, _ = engine.start(airline, "angry", seed=1)
    turn = Turn(airline, state)
    turn.say("thanked")
    assert turn.parts[0] in airline.lines["thanked_angry"]
