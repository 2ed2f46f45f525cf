"""The skill detectors on hard cases: real spaCy and MiniLM models, loaded once per run (one-line cases found in
play live in data/skills/cases.jsonl, run by tests/test_cases.py)."""

from __future__ import annotations

import json

import pytest

from bot.skills.labels import Detection

pytestmark = pytest.mark.models

CUSTOMER = ("I ordered a chicken wrap and a flat white twenty minutes ago and you gave me a latte. "
            "I'm honestly getting really frustrated.")


def labels(detector, text: str, context: str | list[str] | None = None, felt: tuple[str, ...] = ()) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.label for d in detector.detect(text, context, felt)}


def asks_open(found: set[str]) -> bool:
    return "open_question" in found and "closed_question" not in found


@pytest.mark.parametrize("text", [
    "Can you tell me what happened?",
    "what happened when you tried to log in",
    "How did the wrap turn out?",
    "Tell me a bit more about the order",
    "Could you walk me through what happened at the counter?",
])
def test_open_questions_with_or_without_a_question_mark(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert asks_open(labels(detector, text))


@pytest.mark.parametrize("text", ["Did you keep the receipt?", "did you pay by card", "Refund or replacement?", "Is it the chicken wrap?"])
def test_closed_questions(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, text)
    assert "closed_question" in found and "open_question" not in found


@pytest.mark.parametrize("text", ["What's your order number?", "When did it arrive?", "Which flight were you on?", "how many items were missing",
                                  "And what was the engineer's name?"])
def test_factual_questions_are_also_open(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {"open_question", "factual_question"} <= labels(detector, text)


@pytest.mark.parametrize("text", ["What would a good outcome look like for you?", "How has this affected your week?", "Why is the meeting so important to you?"])
def test_high_gain_questions(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, text)
    assert {"open_question", "high_gain_question"} <= found and "factual_question" not in found


@pytest.mark.parametrize("text", [
    "It sounds like you're really frustrated after waiting so long.",
    "that must be so frustrating",
    "I can see why you'd be annoyed about that",
])
def test_restating_the_feeling_the_customer_expressed(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "restate_feeling" in labels(detector, text, CUSTOMER)


def test_i_understand_alone_restates_nothing(detector) -> None:  # type: ignore[no-untyped-def]
    assert not {"restate_feeling", "restate_fact"} & labels(detector, "I understand.", CUSTOMER)


def test_naming_a_feeling_the_customer_never_expressed_is_not_a_restatement(detector) -> None:  # type: ignore[no-untyped-def]
    assert "restate_feeling" not in labels(detector, "You sound really worried about this.", CUSTOMER)


SHOWN = ["Hi.", "I've rung three times this week and every time I'm promised a call back. Nobody ever does."]


@pytest.mark.parametrize("text", ["That must be really frustrating.", "I can hear you're fed up with waiting for that call."])
def test_a_feeling_the_customer_shows_but_never_names_is_restated(
        detector, text: str) -> None:  # type: ignore[no-untyped-def]
    # skills.md's conventions: a feeling the customer showed counts as much as one they named
    assert "restate_feeling" in labels(detector, text, SHOWN)
    found = {d.label: d.confidence for d in detector.detect(text, SHOWN, ("upset", "ignored"))}
    assert 0 < found.get("restate_feeling", 0) < 0.9  # less sure than a feeling they put into words
    assert "restate_feeling" not in labels(detector, "You must be thrilled.", SHOWN)  # a feeling that does not fit


def test_a_restated_feeling_is_not_dismissive_for_sharing_a_topic_with_a_dismissive_example(detector) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, "You must be in a real rush on your lunch break.", "I've been waiting ages and I'm on my lunch break.", ("rushed",))
    assert "restate_feeling" in found and "dismissive" not in found
    assert "dismissive" in labels(detector, "Calm down, you're just upset about the wait.", "I'm so upset, I've waited an hour.")


def test_a_feeling_the_scenario_does_not_give_the_customer_is_still_not_theirs(detector) -> None:  # type: ignore[no-untyped-def]
    assert "restate_feeling" not in labels(detector, "You sound confused by all this.", SHOWN, ("frustrated",))
    assert "restate_feeling" not in labels(detector, "I'm frustrated too, our phones are awful.", SHOWN, ("frustrated",))


@pytest.mark.parametrize(("said", "families"), [
    ("I made a booking for the Madrid flight.", set()),
    ("I've forgotten my password and the reset email never came.", set()),
    ("I crossed town to get here.", set()),
    ("I'm mad about it, honestly.", {"frustrated"}),
    ("I feel like you've forgotten about me.", {"ignored"}),
    ("that must be really embarassing", {"embarrassed"}),  # typed as people type
    ("so dissapointing", {"disappointed"}),
    ("I'm under a lot of pressure", {"rushed", "worried"}),  # said back as "in a rush" or as "stressful"
])
def test_feeling_words_are_whole_words_where_a_stem_would_overreach(said: str, families: set[str]) -> None:
    from bot.language import feeling_families

    assert feeling_families(said) == families


def test_restating_without_context_is_impossible(detector) -> None:  # type: ignore[no-untyped-def]
    assert "restate_feeling" not in labels(detector, "It sounds like you're really frustrated.", None, ("frustrated",))
    assert "restate_feeling" not in labels(detector, "It sounds like you're really frustrated.", None)


@pytest.mark.parametrize("text", [
    "So you ordered a wrap and a flat white twenty minutes ago and got a latte instead.",
    "just to check, it was a flat white you ordered and we gave you a latte?",
])
def test_restating_facts_including_hedged_ones(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "restate_fact" in labels(detector, text, CUSTOMER)


def test_made_up_facts_are_not_a_restatement(detector) -> None:  # type: ignore[no-untyped-def]
    assert "restate_fact" not in labels(detector, "So your parcel was left at the wrong address last week.", CUSTOMER)


def test_realistic_expectation_versus_overpromise(detector) -> None:  # type: ignore[no-untyped-def]
    realistic = labels(detector, "The refund shows on your statement in 3 to 5 business days.")
    promise = labels(detector, "This will never happen again, I promise.")
    assert "set_expectation" in realistic and "overpromise" not in realistic
    assert "overpromise" in promise and "set_expectation" not in promise


def test_overpromise_with_a_time_is_not_a_realistic_expectation(detector) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, "I guarantee it'll be ready instantly.")
    assert "overpromise" in found and "set_expectation" not in found


@pytest.mark.parametrize(("text", "label"), [
    ("Hi, thanks for waiting, I'll be right with you.", "greet_acknowledge"),
    ("I can refund you today or send a replacement that arrives Thursday.", "offer_options"),
    ("Does that plan work for you?", "seek_agreement"),
    ("Is everything sorted to your satisfaction now?", "check_satisfaction"),
    ("Thank you for bearing with us.", "thank"),
    ("Is there anything else I can help you with today?", "bridge"),
    ("I'll email you tomorrow to confirm it arrived.", "follow_up"),
    ("That's not my department.", "dismissive"),
    ("calm down", "dismissive"),
])
def test_each_skill_of_the_cycle(detector, text: str, label: str) -> None:  # type: ignore[no-untyped-def]
    assert label in labels(detector, text)


def test_no_skill_in_plain_filler(detector) -> None:  # type: ignore[no-untyped-def]
    assert labels(detector, "Let me check that for you.") == set()


def test_a_long_turn_carries_several_skills_each_with_its_evidence(detector) -> None:  # type: ignore[no-untyped-def]
    text = ("hi, sorry you've been waiting. that must be really frustrating. "
            "i can remake the flat white right now and it'll be ready in about three minutes, does that work for you")
    found = {d.label: d for d in detector.detect(text, CUSTOMER)}
    assert {"greet_acknowledge", "restate_feeling", "offer_options", "set_expectation", "seek_agreement"} <= set(found)
    for detection in found.values():
        assert text[detection.start:detection.end].strip() == detection.span
        assert 0 < detection.confidence <= 1


def test_a_question_about_the_receipt_is_not_dismissive(detector) -> None:  # type: ignore[no-untyped-def]
    assert "dismissive" not in labels(detector, "did you keep the receipt")


def test_spoken_stutters_do_not_hide_a_question_and_the_evidence_keeps_them(detector) -> None:  # type: ignore[no-untyped-def]
    text = "Okay. And how-how is all of this, um, affecting you day-to-day?"
    found = {d.label: d for d in detector.detect(text)}
    assert asks_open(set(found))
    assert found["open_question"].span == "And how-how is all of this, um, affecting you day-to-day?"
    assert text[found["open_question"].start:found["open_question"].end] == found["open_question"].span


def test_a_trailing_or_leaves_the_answer_open(detector) -> None:  # type: ignore[no-untyped-def]
    assert asks_open(labels(detector, "Do you have a plan for where you might go next, or?"))


@pytest.mark.parametrize("text", [
    "You've been let down by the last two plumbers.",
    "so the weekends are when it gets out of hand",
    "You can't sleep because of the noise from the flat upstairs.",
    "So, again, it sounds like the delivery never turned up.",
    "I know that you've rung us three times this week.",
    "You don't want to be here.",
])
def test_a_restatement_after_thin_customer_words_is_judged_on_its_shape(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {"restate_fact", "restate_feeling"} & labels(detector, text, "Mm.")


@pytest.mark.parametrize("text", [
    "Our office opens at nine on Mondays.",
    "Try restarting the app.",
    "I'll look into that for you.",
    "You shouldn't take more than two a day.",  # once a known miss (p 0.25, added at 0.20); cautious cuts add at 0.55
])
def test_information_advice_and_plans_after_thin_customer_words_restate_nothing(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not {"restate_fact", "restate_feeling"} & labels(detector, text, "Yeah.")


def test_a_statement_sharing_one_word_with_the_customer_restates_nothing(detector) -> None:  # type: ignore[no-untyped-def]
    customer = "My router drops out every evening and I'm fed up with it."
    assert "restate_fact" not in labels(detector, "The network gets busy in the evening.", customer)


def test_checking_back_restates_while_asking_does_not(detector) -> None:  # type: ignore[no-untyped-def]
    customer = "My sister drove me here today because I can't drive with this arm."
    assert "restate_fact" in labels(detector, "So your sister drove you here because of your arm?", customer)
    assert "restate_fact" not in labels(detector, "Did your sister drive you here?", customer)


def test_a_framed_restatement_is_not_an_offer_by_similarity_alone(detector) -> None:  # type: ignore[no-untyped-def]
    customer = "I returned the jacket on Monday and I still haven't had my money back."
    found = labels(detector, "So you sent the jacket back on Monday and you're still waiting for the refund.", customer)
    assert "restate_fact" in found and "offer_options" not in found


def test_a_restatement_may_say_back_any_earlier_message_of_the_customer(detector) -> None:  # type: ignore[no-untyped-def]
    said = ["I was charged twice for the same order on Tuesday.", "No, I haven't contacted the bank.", "Yes."]
    assert "restate_fact" in labels(detector, "So you were charged twice for that order on Tuesday.", said)
    assert "restate_feeling" in labels(detector, "You sound really worried about it.",
                                      ["I'm worried the money won't come back.", "Order 5512.", "Okay."])
    assert "restate_fact" not in labels(detector, "So your parcel was left at the wrong address last week.", said)


def test_a_bare_reply_lends_no_meaning_to_restate(detector) -> None:  # type: ignore[no-untyped-def]
    said = ["My prescription still isn't here and this is my third visit.", "I am.", "The three days' supply, please."]
    assert "restate_fact" not in labels(detector, "Here you are.", said)


def test_a_long_conversation_is_read_to_its_last_message(detector) -> None:  # type: ignore[no-untyped-def]
    # Joined into one string, the last message would sit past what the sentence encoder reads (256 word pieces).
    said = [f"Message {n}: the engineer visited on day {n} and checked the boiler pressure again." for n in range(1, 13)]
    said.append("Now there's water coming through the kitchen ceiling.")
    assert "restate_fact" in labels(detector, "So now it's dripping into your kitchen from above.", said)


def test_facts_said_back_beside_a_feeling_count_too_but_a_feeling_alone_restates_no_fact(detector) -> None:  # type: ignore[no-untyped-def]
    # skills.md: "A line that echoes specific facts *and* names a feeling carries both labels."
    said = "The deposit has left my account twice and my landlord still hasn't been paid. I'm really anxious."
    found = labels(detector, "Of course you're anxious, the deposit left your account twice and the landlord hasn't been paid.", said)
    assert {"restate_feeling", "restate_fact"} <= found
    found = labels(detector, "I can hear how frustrated you are.", "I've been waiting on the phone for an hour, I'm so frustrated.")
    assert "restate_feeling" in found and "restate_fact" not in found


def test_numbers_alone_give_nothing_to_check_a_restatement_against() -> None:
    from bot.skills.restating import informative

    assert not informative({"7"}) and not informative({"7", "order"}) and informative({"order", "late"})


def test_a_murmur_restates_nothing(detector) -> None:  # type: ignore[no-untyped-def]
    assert not {"restate_fact", "restate_feeling"} & labels(detector, "Mmh.", "Yeah.")


def test_a_you_know_filler_is_not_a_restating_frame() -> None:
    from bot.language import understand
    from bot.skills.restating import reflective_frame

    assert not reflective_frame(understand("You know, it halves the risk of a fall.").sentences[0].span)
    assert reflective_frame(understand("You know what you need to do, it's finding the time.").sentences[0].span)


@pytest.mark.parametrize("text", [
    "When you tried to log in, what happened?",
    "Having heard all that, how do you feel about the new delivery date?",
    "So on the day it arrived, what did the box look like?",
    "Do you have any idea why the app keeps logging you out?",
    "Can you repeat back to me how you'll reset it?",
    "Could you talk to me about the problems you've had with the router?",
    "Yeah, say a bit more about that",
    "-and what did the engineer say?",
    "Would you mind telling me what the error message said?",
    "Say something more about that.",
    "So, wondering what went wrong with the first one.",
    "I'd be interested to know what the engineer told you",
    "Thinking about the new router, you know, how would you say it compares to the old one",
    "I'm trying to imagine what a good day with the new system would look like for you?",
])
def test_a_question_after_a_fronted_phrase_or_asking_for_an_account_is_open(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert asks_open(labels(detector, text))


@pytest.mark.parametrize("text", [
    "When you opened the parcel, was the seal broken?",
    "Do you know when it was delivered?",
    "Did the driver tell you what time he'd be back?",
    "Is it okay if I share what I found?",
    "So something's changed since the update, yeah?",
    "Anything else you'd like me to look at while I'm here?",
    "Any other problems you've noticed since then?",
])
def test_asking_whether_is_closed_even_around_a_wh_word(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, text)
    assert "closed_question" in found and not {"open_question", "factual_question"} & found


@pytest.mark.parametrize("text", [
    "What you need to do is call the bank.",
    "What happened is the courier lost it.",
    "When it arrived, it was broken.",
    "When the part arrives I'll let you know",
])
def test_a_statement_that_starts_with_a_wh_word_asks_nothing(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not {"open_question", "factual_question", "closed_question"} & labels(detector, text)


@pytest.mark.parametrize("text", [
    "What I'd really like to understand is how the order got mixed up.",
    "so what i'm curious about is how the delay affected your afternoon",
])
def test_saying_what_you_want_to_know_in_a_wh_cleft_asks_openly(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert asks_open(labels(detector, text))


@pytest.mark.parametrize("text", ["What one did you order?", "What store did you buy it from?", "what browser are you using"])
def test_asking_which_of_several_things_is_factual(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {"open_question", "factual_question"} <= labels(detector, text)


@pytest.mark.parametrize("text", ["What are your plans for the weekend now?", "What parts of the service do you like?"])
def test_asking_for_plans_or_likes_is_open_not_factual(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, text)
    assert "open_question" in found and "factual_question" not in found


@pytest.mark.parametrize("text", ["Which would suit you better?", "which one works best for you", "Which of those would you prefer?"])
def test_asking_which_option_they_prefer_is_a_choice_that_seeks_agreement(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, text)
    assert {"closed_question", "seek_agreement"} <= found and not {"open_question", "factual_question"} & found


def test_of_two_equally_sure_offers_the_evidence_is_the_main_one_not_the_add_on(detector) -> None:  # type: ignore[no-untyped-def]
    text = "I can refund the duplicate payment today. I'll also put a note on your file."
    offer = next(d for d in detector.detect(text, "I was charged twice for my appointment.") if d.label == "offer_options")
    assert offer.span.startswith("I can refund")


@pytest.mark.parametrize("text", [
    "How many times has the parcel been left at the wrong door since you moved in?",
    "And how often does the connection drop during the working day?",
    "How deep is the crack in the screen?",
])
def test_a_count_a_frequency_or_a_measure_is_factual(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {"open_question", "factual_question"} <= labels(detector, text)


def test_of_two_questions_the_evidence_is_the_last_the_customer_will_answer(detector) -> None:  # type: ignore[no-untyped-def]
    found = {d.label: d.span for d in detector.detect("What did the message say? And what happened after you tapped it?")}
    assert found["open_question"] == "And what happened after you tapped it?"


def test_curly_apostrophes_read_like_straight_ones(detector) -> None:  # type: ignore[no-untyped-def]
    customer = "They keep passing me between departments and nobody owns the problem."
    found = {d.label: d for d in detector.detect("I’m hearing that you’ve been passed between departments.", customer)}
    assert "restate_fact" in found and found["restate_fact"].span == "I’m hearing that you’ve been passed between departments."


def test_offering_anything_else_bridges_and_greets_no_one(detector) -> None:  # type: ignore[no-untyped-def]
    found = labels(detector, "is there anything else i can sort out for you while you're here")
    assert "bridge" in found and "greet_acknowledge" not in found
    assert "greet_acknowledge" in labels(detector, "Hi there, thanks for waiting! Anything else on your list today?")


def test_a_detection_carries_its_source_and_the_details_the_customer_needs(detector) -> None:  # type: ignore[no-untyped-def]
    said = "I ordered a chicken wrap twenty minutes ago and I'm really frustrated."
    found = {d.label: d for d in detector.detect(
        "It sounds like you're really frustrated. So you ordered the wrap twenty minutes ago. What's your order number? "
        "I can remake your wrap right now, or give you a full refund on it.", said)}
    feeling, fact = found["restate_feeling"], found["restate_fact"]
    assert feeling.details is not None and (feeling.details.feeling, feeling.details.whose) == ("frustrated", "listener")
    assert fact.details is not None and {"wrap", "order"} & set(fact.details.restated)
    question = found["factual_question"]
    assert question.source == "question form" and question.details is not None
    assert (question.details.question_form, question.details.asks_about) == ("factual", "order number")
    offer = found["offer_options"].details
    assert offer is not None and len(offer.options) == 2 and not offer.refused
    assert Detection.from_dict(json.loads(json.dumps(found["offer_options"].to_dict()))) == found["offer_options"]


@pytest.mark.models
def test_the_encoder_runs_on_the_threads_model_threads_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The action server's default (one thread): two torch threads waiting for each other on busy cores made each
    turn about nine times slower (docs/benchmarks.md, "Where a turn's time goes")."""
    import torch

    from bot.settings import SERVING_MODEL_THREADS, get_settings
    from bot.skills import models

    before = torch.get_num_threads()
    monkeypatch.setenv("MODEL_THREADS", SERVING_MODEL_THREADS)
    get_settings.cache_clear()
    models.encoder.cache_clear()
    try:
        models.encoder()
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
        get_settings.cache_clear()
        models.encoder.cache_clear()


@pytest.mark.parametrize(("text", "only_hello"), [
    ("Hi. Name?", True),
    ("Hello, what's the problem?", True),
    ("Hi. Receipt?", True),
    ("Hi, welcome in, what can I do for you?", False),
    ("Morning! Sorry about the wait. What's the order number?", False),
    ("Hello Ms Patel, how are you today?", False),
    ("Hi there, thanks for holding.", False),
])
def test_a_greeting_that_only_says_hello_is_marked(detector, text: str, only_hello: bool) -> None:  # type: ignore[no-untyped-def]
    greeting = next(d for d in detector.detect(text) if d.label == "greet_acknowledge")
    assert bool(greeting.details and greeting.details.salutation_only) is only_hello


def _judged(detector, scenario_id: str, heard: list[str], text: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The labels of a line once judged against the scenario's declared expectations and over-promises."""
    from bot.practice import library

    scenario = library().get(scenario_id)
    found = detector.detect(text, heard, scenario.feelings)
    return {d.label for d in detector.judge_promises(found, scenario.realistic_expectations, scenario.overpromises)}


_VASE = ["The vase I ordered arrived this morning smashed to pieces.", "It's a wedding present and the wedding is this Saturday."]
_JACKET = ["I bought this jacket here ten days ago and I've lost the receipt"]


@pytest.mark.parametrize(("text", "over"), [
    # online_order_damaged declares "it will be with you within the hour" an over-promise
    ("Don't worry, I'll have a new one with you within the hour.", True),
    ("A wedding on Saturday! Don't worry, I'll have a new one with you within the hour.", True),
    ("I will ring you back within the hour with an update.", False),  # a promise to get in touch
    ("I'll ring you back within the hour.", False),
    ("The replacement goes out today and should be with you by Friday.", False),
    ("I'll get the replacement out within the hour and it'll be with you by Friday.", False),  # closer to the realistic one
])
def test_an_expectation_as_soon_as_a_declared_over_promise_of_what_will_be_done_is_one(detector, text: str, over: bool) -> None:  # type: ignore[no-untyped-def]
    assert ("overpromise" in _judged(detector, "online_order_damaged", _VASE, text)) == over


@pytest.mark.parametrize(("text", "over"), [
    # retail_return_no_receipt declares "store credit goes on a card you can use straight away" realistic
    ("card refund takes 3-5 working days, store credit u can use straight away", False),
    ("I'll refund it to your card straight away.", True),  # not the speed declared for a refund
    ("I'll give you store credit right away, I promise.", True),  # the promise is no declared speed
    ("store credit u can use straight away, and I'll give you cash back, no questions asked", True),  # the rest over-promises
])
def test_a_speed_the_scenario_declares_realistic_is_no_over_promise(detector, text: str, over: bool) -> None:  # type: ignore[no-untyped-def]
    said = _judged(detector, "retail_return_no_receipt", _JACKET, text)
    assert ("overpromise" in said) == over and (over or "set_expectation" in said)


@pytest.mark.parametrize(("text", "choosing"), [
    ("What would you like to do?", True),
    ("wat wud u like to do", True),
    ("Which would you prefer?", True),
    ("What happened when you got home?", False),
    ("What time do you need to be back?", False),
])
def test_a_question_of_which_they_would_like_says_so_in_its_details(detector, text: str, choosing: bool) -> None:  # type: ignore[no-untyped-def]
    questions = [d for d in detector.detect(text, ["I bought this jacket ten days ago"], ()) if d.details and d.details.question_form]
    assert questions and all(d.details.asks_to_choose == choosing for d in questions)  # type: ignore[union-attr]
