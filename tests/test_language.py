"""Saying the other side's words back: pronouns and perspective."""

from __future__ import annotations

import pytest

from bot.language import alternatives, as_customer_clause, describe_offer, gist, sentence_case, swap_person, understand


@pytest.mark.parametrize(("said", "back"), [
    ("I ordered a wrap twenty minutes ago", "You ordered a wrap twenty minutes ago"),
    ("the coffee you gave me is a latte", "the coffee I gave you is a latte"),
    ("I'm frustrated because you ignored me", "You're frustrated because I ignored you"),
    ("you are really frustrated", "I am really frustrated"),
    ("my receipt says order forty-seven", "your receipt says order forty-seven"),
    ("ill call you tomorrow", "you'll call me tomorrow"),  # typed without the apostrophe
    ("he was ill with flu", "he was ill with flu"),
    ("i'll email u the tracking number", "you'll email me the tracking number"),
    ("whats ur order number", "whats my order number"),
])
def test_swap_person(said: str, back: str) -> None:
    assert swap_person(said) == back


def test_an_offer_becomes_what_the_customer_would_repeat() -> None:
    assert as_customer_clause("I can remake your flat white now.") == "remake my flat white now"
    assert as_customer_clause("Let me pack it to take away for you") == "pack it to take away for me"


@pytest.mark.parametrize(("offer", "clause"), [
    ("And I'll refund you.", "refund me"),  # the offer after a joining word
    ("Okay. I'll pass it up to billing.", "pass it up to billing"),
    ("I can also get a cool bag couriered to you today.", "get a cool bag couriered to me today"),
    ("I’d be happy to swap it for you.", "swap it for me"),  # the trainee's own curly apostrophe
    ("Here's what I can do", ""),  # a frame and nothing offered
])
def test_the_frame_before_an_offer_is_left_out(offer: str, clause: str) -> None:
    assert as_customer_clause(offer) == clause


def test_sentence_case() -> None:
    assert sentence_case('fine, yes. remake my coffee. "it will be ready".') == 'Fine, yes. Remake my coffee. "It will be ready".'
    assert sentence_case("3 to 5 minutes? okay.") == "3 to 5 minutes? Okay."  # a number first: no capital on the next word


@pytest.mark.parametrize(("offer", "options"), [
    ("make me a fresh flat white now, or give me a full refund", ["make me a fresh flat white now", "give me a full refund"]),
    ("either repair it or swap it for a new one", ["repair it", "swap it for a new one"]),
    ("I could either keep it with a partial refund or send it back", ["I could keep it with a partial refund", "I could send it back"]),
    ("move me to the earlier flight or book me a hotel for tonight", ["move me to the earlier flight", "book me a hotel for tonight"]),
    ("have it ready in two or three minutes", ["have it ready in two or three minutes"]),
    ("refund the coffee or take it off the bill", ["refund the coffee or take it off the bill"]),
    ("log it now and courier it to my hotel tonight, otherwise you can give me an overnight kit",
     ["log it now and courier it to my hotel tonight", "give me an overnight kit"]),
])
def test_an_offer_of_a_choice_splits_into_its_options_and_a_range_does_not(offer: str, options: list[str]) -> None:
    assert alternatives(offer) == options


def test_an_offer_framed_as_what_i_can_do_is_said_back_without_the_frame_or_its_condition() -> None:
    said = as_customer_clause("OK, here's what I can do: I'll courier the bag to your hotel tonight if it's on the next flight.")
    assert said == "courier the bag to my hotel tonight if it's on the next flight"
    assert gist(said) == "courier the bag to my hotel tonight"
    assert gist("refund me once it's back") == "refund me once it's back"  # too little left without the condition


def test_an_offer_after_a_comma_or_but_is_said_back_from_the_offer_itself() -> None:
    said = as_customer_clause("Realistically the earliest engineer slot is tomorrow, but I can send you a 4G dongle today.")
    assert said == "send me a 4G dongle today"
    assert as_customer_clause("The kitchen is backed up, so we can either pack it to go or bring it to your table.") == (
        "either pack it to go or bring it to my table")


# --- the language pipeline, step by step (bot.language: one parse per text) -----------------------------------------


@pytest.mark.parametrize(("text", "form", "labels"), [
    ("What happened when you tried to log in?", "open", ["open_question"]),
    ("what's the flight number", "factual", ["open_question", "factual_question"]),
    ("How has this affected your week?", "open", ["open_question", "high_gain_question"]),
    ("Did you keep the receipt?", "closed", ["closed_question"]),
    ("Refund or replacement?", "either_or", ["closed_question"]),
    ("Can you walk me through what the screen shows?", "open", ["open_question"]),
    ("send me ur postcode", "factual", ["open_question", "factual_question"]),
    ("Can you send me a screenshot of the error?", "prompt", ["open_question"]),
    ("Let me check that for you.", "", []),
])
def test_question_form(text: str, form: str, labels: list[str]) -> None:
    question = understand(text).sentences[0].question
    assert (question.form, question.labels) == (form, labels)


@pytest.mark.parametrize("text", [
    "Could you read me the serial number off the back?",
    "Can I grab the booking reference from you?",
    "Kindly confirm the registration of the car.",
    "pls share ur account number",
    "Reckon you could text me the tracking number?",
    "Membership number?",
    "Surname, please.",
    "From which airport did you fly?",
    "Till what time are you in?",
    "What time would suit you for the engineer to come round tomorrow?",
    "Which branch did you leave it at?",
    "When were you hoping to collect it?",
])
def test_a_request_or_question_for_one_fact_is_factual_whatever_its_shape(text: str) -> None:
    """skills.md: questions are labelled by the answer they ask for; a single fact is open + factual."""
    assert understand(text).sentences[-1].question.labels == ["open_question", "factual_question"]


@pytest.mark.parametrize(("text", "form"), [
    ("Anything else I can help you with?", "closed"),  # skills.md: closed_question + bridge
    ("Any other questions before you go?", "closed"),
    ("Any idea what changed on the account?", "open"),
    ("What would you like, the refund or a credit note?", "either_or"),
    ("How would you like it sent, by post or by email?", "either_or"),
    ("What's the nearest exit or junction number you can see?", "factual"),
    ("Can I get you a glass of water while you wait?", "closed"),
    ("Tell me more about the times it cut out.", "prompt"),
    ("What problems have you had with the new router since it went in?", "open"),  # account_nouns: an account
    ("What's been going on with the heating this week?", "open"),
])
def test_yes_no_either_or_and_open_by_what_the_answer_is(text: str, form: str) -> None:
    assert understand(text).sentences[-1].question.form == form


def test_after_options_what_would_suit_you_asks_to_choose() -> None:
    analysis = understand("I can send a courier today or you can collect it tomorrow. What would suit you best?")
    assert analysis.sentences[-1].question.choosing and analysis.sentences[-1].question.labels == ["closed_question"]
    no_options = understand("So it's the wrong logo, instead of ours. What would help you most here?").sentences[-1].question
    assert no_options.open and not no_options.choosing
    alone = understand("What would suit you best?").sentences[-1].question
    assert alone.open and not alone.choosing


@pytest.mark.parametrize("text", [
    "The terms say fourteen days, which you'd have seen when you signed.",
    "Should you need anything further, please give us a ring.",
    "Thanks for calling, have a lovely evening.",
    "Honestly, how infuriating.",
])
def test_relative_clauses_conditions_farewells_and_exclamations_ask_nothing(text: str) -> None:
    assert not any(s.question.is_question for s in understand(text).sentences)


def test_words_said_back_in_disbelief_before_a_reaction_ask_nothing_but_a_plain_check_still_asks() -> None:
    echo = understand("Six hours on hold? That must have been maddening.")
    assert not echo.sentences[0].question.is_question
    exclaimed = understand("Cracked right out of the box? What a letdown.")
    assert not exclaimed.sentences[0].question.is_question
    check = understand("Six hours on hold? Let me look at the call log.")
    assert check.sentences[0].question.labels == ["closed_question"]


def test_a_question_after_a_dash_or_an_emoji_is_read_as_its_own_sentence() -> None:
    dashed = understand("that sounds like a rough week – how has it been affecting your work?")
    assert dashed.sentences[-1].question.labels == ["open_question", "high_gain_question"]
    emoji = understand("hiya welcome to the help chat 👋 how can i help?")
    assert emoji.sentences[-1].question.open


def test_chat_spellings_parse_as_the_words_they_stand_for_and_keep_their_text() -> None:
    analysis = understand("can u send me ur postcode pls")
    assert analysis.sentences[0].question.labels == ["open_question", "factual_question"]
    assert analysis.sentences[0].text == "can u send me ur postcode pls"
    assert [t.norm_ for t in analysis.sentences[0].span][1:5] == ["you", "send", "me", "your"]


@pytest.mark.parametrize(("text", "about"), [
    ("What's your order number?", "order number"),
    ("Which branch did you visit?", "branch"),
    ("Did you keep the receipt?", "receipt"),
    ("When does the lease end?", "lease"),
])
def test_what_a_question_asks_about(text: str, about: str) -> None:
    assert understand(text).sentences[0].question.about == about


@pytest.mark.parametrize(("text", "form", "about"), [
    ("wat time do u need it by", "factual", "time"),
    ("wen did u order", "factual", "when order"),
    ("wat happened", "open", "happen"),
])
def test_a_chat_spelled_wh_word_asks_as_the_word_it_stands_for(text: str, form: str, about: str) -> None:
    question = understand(text).sentences[0].question
    assert (question.form, question.about) == (form, about)


@pytest.mark.parametrize(("text", "person", "modal", "negated", "tense"), [
    ("I can't refund it.", "speaker", "can", True, "present"),
    ("I'll call you tomorrow.", "speaker", "will", False, "future"),
    ("we could send a courier", "speaker", "could", False, "conditional"),
    ("You should have kept the receipt.", "listener", "should", False, "present"),
    ("They sent it on Monday.", "other", "", False, "past"),
])
def test_modality_and_negation_per_clause(text: str, person: str, modal: str, negated: bool, tense: str) -> None:
    clause = understand(text).clauses[0]
    assert (clause.person, clause.modal, clause.negated, clause.tense) == (person, modal, negated, tense)


def test_an_offer_after_a_refusal_is_the_offer_and_a_refusal_alone_offers_nothing() -> None:
    assert not describe_offer("I can't refund the wrap, but I can pack it to take away for you.").refused
    assert describe_offer("Unfortunately I can't give refunds on food once it's been served.").refused
    assert describe_offer("I can bring your wrap out in 5 mins.").timed == (True,)
    assert describe_offer("I can seat you at a window table.").timed == (False,)


@pytest.mark.parametrize(("text", "times", "amounts"), [
    ("The refund shows in 3-5 business days.", True, True),
    ("I'll ring you Wednesday afternoon.", True, False),
    ("It came to 60 at the till.", False, True),
    ("I can seat you at a window table.", False, False),
    ("That's £20 off, ready by 5.", True, True),
])
def test_times_and_amounts(text: str, times: bool, amounts: bool) -> None:
    sentence = understand(text).sentences[0]
    assert (bool(sentence.times), bool(sentence.amounts)) == (times, amounts)


@pytest.mark.parametrize("text", [
    "I'm calling concerning my invoice.",  # not worried
    "Could I swap the scampi for the salad?",  # not betrayed ("scam")
    "My connecting flight goes through Madrid.",  # not mad
    "Honestly, you are ignorant.",  # not ignored
    "We crossed the car park to the other entrance.",  # not cross
    "I've forgotten my password.",  # not ignored
    "Could you please check?",  # not pleased
])
def test_feeling_words_have_false_friends(text: str) -> None:
    assert not understand(text).feelings


@pytest.mark.parametrize(("text", "family", "whose"), [
    ("I'm absolutely livid.", "frustrated", "speaker"),
    ("You must be so worried.", "worried", "listener"),
    ("That must have been embarrassing.", "embarrassed", "situation"),
    ("I'd be gutted too.", "sad", "listener"),
    ("Nobody has answered me and I feel ignored.", "ignored", "speaker"),
    ("Her son is really anxious about it.", "worried", "other"),
])
def test_whose_feeling_it_is(text: str, family: str, whose: str) -> None:
    assert (family, whose) in {(f.family, f.whose) for f in understand(text).feelings}


@pytest.mark.parametrize(("said", "back"), [
    ("Did you tell them what you wanted?", "Did I tell them what I wanted?"),  # subjects in a question
    ("Is that who you spoke to?", "Is that who I spoke to?"),  # a relative clause's subject
    ("I'll call you", "You'll call me"),  # an object
    ("The agent you spoke to gave me the wrong date.", "The agent I spoke to gave you the wrong date."),
    ("Were you told?", "Was I told?"),  # the verb agrees
])
def test_person_swap_by_the_parse(said: str, back: str) -> None:
    assert swap_person(said) == back


def test_features_for_a_learned_decision() -> None:
    features = understand("I can refund you today or send a replacement that arrives Thursday.").features()
    assert features["clause:speaker:can"] == 1.0 and features["times"] >= 2
    assert understand("Did you keep the receipt?").features()["question:closed"] == 1.0


@pytest.mark.parametrize(("text", "minutes"), [
    ("It'll be ten to fifteen minutes.", [15.0]),
    ("Your table will be ready in half an hour.", [30.0]),
    ("About an hour and a half, sorry.", [90.0]),
    ("Give me a couple of mins.", [2.0]),
    ("It should be 20-25 min.", [25.0]),
    ("Another twenty five minutes or so.", [25.0]),
    ("Three quarters of an hour, I'm afraid.", [45.0]),
    ("a quarter of an hour", [15.0]),
    ("15mins max", [15.0]),
    ("Sorry you waited 40 minutes; it'll be 10 more minutes.", [40.0, 10.0]),
    ("The refund takes 3-5 business days.", []),
    ("By 6 pm today.", []),
])
def test_a_wait_is_read_in_minutes_from_the_words_before_its_unit(text: str, minutes: list[float]) -> None:
    assert [m for _, m in understand(text).sentences[0].waits] + [
        m for s in understand(text).sentences[1:] for _, m in s.waits] == minutes


def test_an_expectation_carries_how_long_a_wait_its_time_names(detector) -> None:  # type: ignore[no-untyped-def]
    found = {d.label: d for d in detector.detect("I'm sorry. Your table will be ready in about twenty minutes.", None)}
    details = found["set_expectation"].details
    assert details is not None and details.time == "in about twenty minutes" and details.minutes == 20.0


@pytest.mark.parametrize(("text", "says_when"), [
    ("I'll see if a table is free soon.", False), ("It'll be ready in a moment.", False), ("I'll get it sorted asap.", False),
    ("I'll call you later today.", True), ("As soon as possible, by Friday.", True), ("Within 10 minutes.", True),
])
def test_a_vague_time_is_a_time_that_says_no_when(text: str, says_when: bool) -> None:
    sentence = understand(text).sentences[0]
    assert sentence.has_time and sentence.says_when is says_when


def test_a_commitment_to_find_out_is_read_as_checking() -> None:
    checking = {c.verb: c.checks for c in understand("I'll look into it and get back to you by Friday.").sentences[0].clauses}
    assert checking == {"look": True, "get": False}
    assert not any(c.checks for c in understand("I can ask the deputy to approve it.").sentences[0].clauses)
