"""The wording rules of the skill detector: greetings, thanks, offers, expectations, follow-ups, over-promises,
dismissive remarks and the closing questions, read from one sentence's parse and words, where the examples' meaning
alone misses or over-matches (bot.skills.detector combines them with that meaning and the context)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.language import Sentence
from bot.language.patterns import Found, wording
from bot.language.reading import declined_promises
from bot.skills.details import CLOSING_QUESTIONS


def _helping(labels: dict[str, float], sentence: Sentence, found: Found) -> None:
    """Follow-up, offers, expectations and over-promises: grammar and wording the examples alone can miss or over-match."""
    sent, form = sentence.span, sentence.question
    has_time = sentence.says_when  # "soon" or "in a bit" says no when: no concrete expectation rests on it
    ahead = found.has("looks_ahead") or found.has("ahead_or_back")
    future = _future(sentence) or ahead
    # what will happen, beyond finding out: "I'll see if a table is free" commits to checking only (skills.md)
    outcome = any(c.tense == "future" and not c.checks for c in sentence.clauses) or ahead
    declarative = not form.is_question
    promised = any(c.person == "speaker" and c.tense == "future" and not c.negated for c in sentence.clauses)
    contact = found.has("contact") and (promised or found.has("let_me"))
    if contact and declarative:
        labels["follow_up"] = max(labels.get("follow_up", 0), 0.85)
    elif "follow_up" in labels and not found.has("contact"):
        labels.pop("follow_up")
    decided = declarative and not contact and _decided_plan(sentence, found)
    if declarative and _offers(sentence, found) and found.has("action") and not contact and not decided:
        labels["offer_options"] = max(labels.get("offer_options", 0), 0.8)
    elif "offer_options" in labels and (decided or (contact and not found.has("choice")) or (
            not declarative and not found.has("asks_to_choose"))):
        labels.pop("offer_options")  # skills.md: a single plan already decided on sets an expectation; it offers no option
    narrated = _narrates(sentence, found)
    if declarative and ((has_time and future) or (decided and found.has("action"))) and not narrated:
        labels["set_expectation"] = max(labels.get("set_expectation", 0), 0.8)
    elif "set_expectation" in labels and (form.is_question or not (has_time or outcome or decided) or narrated):
        # "When will it arrive?" asks for an expectation and "They sent it on Monday" tells what happened: neither sets one
        labels.pop("set_expectation")
    # "It never turned up" tells what happened; "It will never happen again" promises.
    told_past = any(t.lower_ in {"never", "always"} and t.head.tag_ in {"VBD", "VBN"} for t in sent) and not future
    declined = declined_promises(sent)  # "I can't guarantee it" promises nothing
    absolute = any(not any(t.i in declined for t in match) for match in found.spans("absolute"))
    if absolute and declarative and not told_past and (
        future or "overpromise" in labels or any(c.negated and c.tense == "future" for c in sentence.clauses)
        or any(t.lower_ == "never" for t in sent)
    ):
        labels["overpromise"] = max(labels.get("overpromise", 0), 0.8)
    elif "overpromise" in labels and (told_past or not absolute):
        labels.pop("overpromise")
    if "overpromise" in labels or ("follow_up" in labels and not has_time):
        labels.pop("set_expectation", None)  # skills.md: a follow-up with a time also sets an expectation


def _dismissive_and_closing(labels: dict[str, float], sentence: Sentence, found: Found, greets: bool, sims: dict[str, float]) -> None:
    """Dismissive lines, and the closing questions (agreement, satisfaction, bridge) a sentence can ask."""
    sent, form = sentence.span, sentence.question
    if found.has("dismissive") or _blames(sent):
        labels["dismissive"] = max(labels.get("dismissive", 0), 0.85)
    elif "dismissive" in labels and (found.has("courteous") or found.has("reflective_frame") or found.has("summing_up")):
        # by meaning alone, "I'm hearing you've been passed between departments" is not, nor "I see, so it was a
        # present and you don't have the receipt"
        labels.pop("dismissive")
    if form.is_question and labels.get("dismissive", 0) < 0.85:  # blaming questions must be unmistakable
        labels.pop("dismissive", None)
    if "dismissive" in labels and not greets:
        labels.pop("greet_acknowledge", None)  # "You'll have to wait like everyone else" mentions the wait; it acknowledges nothing
    if not form.is_question:
        for label in CLOSING_QUESTIONS:
            if label != "bridge" or not found.has("anything_else"):
                labels.pop(label, None)
    if "bridge" in labels and not found.has("further"):
        labels.pop("bridge")  # "How can I help today?" opens; a bridge offers help with something else
    if form.high_gain and found.has("hypothetical"):
        # "What would a good outcome look like?" asks them to imagine: it checks no outcome and asks no agreement.
        labels.pop("check_satisfaction", None)
        labels.pop("seek_agreement", None)
    closing = [label for label in CLOSING_QUESTIONS if label in labels]
    if len(closing) > 1:
        keep = max(closing, key=lambda label: sims.get(label, 0.0))
        for label in closing:
            if label != keep:
                labels.pop(label)


def _future(sentence: Sentence) -> bool:
    """A clause about what will happen: "It will arrive", "I'll call", "we're going to send"."""
    return any(c.tense == "future" for c in sentence.clauses)


def _offers(sentence: Sentence, found: Found) -> bool:
    """The speaker says what they can or will do for the customer (by the parse, not "I can't…"), or offers by wording."""
    return any(c.commits for c in sentence.clauses) or found.has("offer_words")


def _decided_plan(sentence: Sentence, found: Found) -> bool:
    """One plan the speaker has decided on ("I'll remove the late fee", "We're going to send a new one"): their
    future, with no choice, no optional extra, no condition the customer acts on and no 'I can' to take or leave."""
    own = [c for c in sentence.clauses if c.person == "speaker" and not c.negated and c.modal]
    if not own or any(c.modal not in {"will", "going to", "shall"} for c in own):
        return False
    routed = any(t.lower_ in {"if", "once", "when"} and t.dep_ == "mark" for t in sentence.span)
    return not found.has("choice") and not routed and not found.has("offer_words")


def _narrates(sentence: Sentence, found: Found) -> bool:
    """Tells what happened to the customer ("They promised it by Friday and it came on Monday"): a past-tense
    verb, no word that looks ahead but "by" or "next" (which can point back too), and not the trainee's own
    doing ("I booked the engineer for Thursday" sets an expectation)."""
    ahead = _future(sentence) or found.has("looks_ahead")
    own = any(t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in {"i", "we"} for t in sentence.span)
    return not ahead and not own and any(t.tag_ == "VBD" for t in sentence.span)


def _blames(sent: Any) -> bool:
    """Blaming the customer for what they did: "you should have checked it", "you ought to have read the terms"."""
    return any(
        token.lower_ == "you" and token.dep_ == "nsubj" and token.head.tag_ == "VBN"
        and {"should", "ought", "must"} & {c.lower_ for c in token.head.children if c.dep_ == "aux"}
        and any(c.lower_ in {"have", "'ve"} for c in token.head.children if c.dep_ == "aux")
        for token in sent
    )


def apply_wording(labels: dict[str, float], sentence: Sentence, index: int, sims: dict[str, float]) -> None:
    """Add or drop labels by the sentence's grammar and wording (`index`: its place in the message); the wording is
    data/language/wording.yml's rules, matched on the sentence's tokens."""
    found = wording(sentence.span)
    greets = found.has("greeting") or found.has("acknowledges_wait")
    if index == 0 and greets:
        labels["greet_acknowledge"] = max(labels.get("greet_acknowledge", 0), 0.9)
    elif not greets and found.has("anything_else"):
        labels.pop("greet_acknowledge", None)  # "Anything else I can do for you?" bridges at the end; it greets no one
    if found.has("thanks") and not found.has("not_thanks"):
        labels["thank"] = max(labels.get("thank", 0), 0.9)
    elif "thank" in labels and not found.has("thanks"):
        labels.pop("thank")
    _helping(labels, sentence, found)
    _dismissive_and_closing(labels, sentence, found, greets, sims)


def greets_warmly(sentences: Sequence[Sentence]) -> bool:
    """Whether a message's greeting does more than say hello: a welcome, an offer of help, thanks, an apology or an
    acknowledged wait in any of its sentences (data/language/wording.yml's `welcomes` and its neighbours)."""
    rules = ("welcomes", "acknowledges_wait", "thanks", "courteous")
    return any(wording(s.span).has(rule) for s in sentences for rule in rules)


def offers(sentence: Sentence) -> bool:
    """Whether the sentence offers something, by its grammar and wording."""
    return _offers(sentence, wording(sentence.span))
