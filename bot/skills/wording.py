"""The wording rules of the skill detector: greetings, thanks, offers, expectations, follow-ups, over-promises,
dismissive remarks and the closing questions, read from one sentence's parse and words, where the examples' meaning
alone misses or over-matches (bot.skills.detector combines them with that meaning and the context)."""

from __future__ import annotations

import re
from typing import Any

from bot.language import Sentence
from bot.language.reading import without_declined_promises
from bot.skills.details import CLOSING_QUESTIONS
from bot.skills.restating import _REFLECTIVE_FRAME

_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|welcome|morning|afternoon|evening)\b", re.I)
_ACK_WAIT = re.compile(r"\b(thanks?( you)? (so much )?for (waiting|holding|hanging on)|sorry (about|for) (the|your|keeping you) ?(wait|waiting)|(be )?(right|just) with you|keep(ing)? you waiting)\b", re.I)
#: Passing the buck, belittling and rudeness that the examples' meaning alone can miss.
_DISMISSIVE = re.compile(
    r"\b(not (my|our) (job|department|problem|fault|responsibility|call|concern)|(that's|that is|it's|it is) (the )?\w+'s problem"
    r"|(ask|call|ring|phone|try|contact|email) (someone|somebody|anyone) else|(i|we) don't make the rules"
    r"|that's (just )?(how it is|the way it is|policy|the policy)|take it up with|calm down|overreact\w*|deal with it"
    r"|(it's|that's|it is) not (that )?(a )?big (of a )?deal|everyone else (manages|copes|seems fine)|not my problem)\b|^\W*(whatever|so what)\b(?![\s'’]*\w)|\bnothing (i|we) can do( about (it|that))?\W*$",
    re.I,
)
#: what makes an offer of help a bridge: help with something else, more, or a related need.
_FURTHER = re.compile(r"\b(else|other|more|also|too|another|as well|while (you'?re|i have you|we'?re)|before you go|further|related)\b", re.I)
#: a question about an outcome still to come, not the one the customer has got.
_HYPOTHETICAL = re.compile(r"\b(would|could|might|ideally|ideal|if)\b", re.I)
#: a sentence that sums up what the customer said: "I see, so it was…", "Right, so the parcel…".
_SUMMING_UP = re.compile(r"^\W*(?:(?:i see|right|ok(?:ay)?|oh|ah)\W+)*so\b(?!\s+what\b)", re.I)
#: Saying sorry or thanks is never dismissive, whatever it resembles ("Sorry for the wait, busy night!").
_COURTEOUS = re.compile(r"\b(sorry|apologi[sz]e|thank|thanks|appreciate|bear with)\b", re.I)
_THANKS = re.compile(r"\b(thank(s| you)|thx|ty|cheers|(i|we) (really |do )?appreciate (it|that|your|you))\b", re.I)
_ABSOLUTE = re.compile(r"\b(never|always|guarantee[ds]?|promise|instantly|immediately|straight away|right away|100 ?(%|percent)|definitely|forever|ever again|perfect(ly)?|nothing (will|can) (ever )?go wrong|swear|no matter what|for sure|certainly)\b", re.I)
#: words that look ahead beside a future clause (which the parse gives: "will", "'ll", "going to").
_AHEAD = re.compile(r"\b(should|usually|normally|typically|gonna|expect(ed)?|takes?|within|by|due|scheduled|next|lands?|arrives?|comes? (in|back|on)|goes (out|back))\b", re.I)
_CONTACT = re.compile(r"\b(call|ring|phone|email|e-mail|text|message|contact|update|follow(ing)? up|check in|get back|let you know|drop you|send you an? (update|message|email|note)|keep you (posted|updated|informed))\b", re.I)
#: an offer by its wording, beside what the parse gives (the speaker saying what they can or will do).
_OFFER_WORDS = re.compile(r"\b(option|options|alternatively|either|instead|what i can do|let me (offer|get|bring|give|arrange|book|send|refund|replace|remake|move|waive))\b|\b(would you like (me|us) to)\b", re.I)
_ACTION = re.compile(r"\b(refund|replace|remake|re-make|send|book|give|offer|waive|move|arrange|credit|exchange|repair|swap|upgrade|pack|bring|courier|deliver|fix|reset|reissue|cancel|discount|compensate|cover|pay|process|rebook|reschedule|seat|find|set up|escalate|raise|prioriti[sz]e|sort|take (it )?off|put|remove|reverse|cancel|credit|dispatch|ship|post|collect|void)\b", re.I)


def _helping(labels: dict[str, float], sentence: Sentence, text: str) -> None:
    """Follow-up, offers, expectations and over-promises: grammar and wording the examples alone can miss or over-match."""
    sent, form, lower = sentence.span, sentence.question, text.lower()
    has_time = sentence.says_when  # "soon" or "in a bit" says no when: no concrete expectation rests on it
    future = _future(sentence) or bool(_AHEAD.search(text))
    # what will happen, beyond finding out: "I'll see if a table is free" commits to checking only (skills.md)
    outcome = any(c.tense == "future" and not c.checks for c in sentence.clauses) or bool(_AHEAD.search(text))
    declarative = not form.is_question
    promised = any(c.person == "speaker" and c.tense == "future" and not c.negated for c in sentence.clauses)
    contact = bool(_CONTACT.search(text)) and (promised or "let me" in lower)
    if contact and declarative:
        labels["follow_up"] = max(labels.get("follow_up", 0), 0.85)
    elif "follow_up" in labels and not _CONTACT.search(text):
        labels.pop("follow_up")
    decided = declarative and not contact and _decided_plan(sentence, text)
    if declarative and _offers(sentence, text) and _ACTION.search(text) and not contact and not decided:
        labels["offer_options"] = max(labels.get("offer_options", 0), 0.8)
    elif "offer_options" in labels and (decided or (contact and not _CHOICE_WORDS & {t.lower_ for t in sent}) or (
            not declarative and not re.search(r"\bwould you like (me|us) to\b|\bor\b", lower))):
        labels.pop("offer_options")  # skills.md: a single plan already decided on sets an expectation; it offers no option
    narrated = _narrates(sentence, text)
    if declarative and ((has_time and future) or (decided and _ACTION.search(text))) and not narrated:
        labels["set_expectation"] = max(labels.get("set_expectation", 0), 0.8)
    elif "set_expectation" in labels and (form.is_question or not (has_time or outcome or decided) or narrated):
        # "When will it arrive?" asks for an expectation and "They sent it on Monday" tells what happened: neither sets one
        labels.pop("set_expectation")
    # "It never turned up" tells what happened; "It will never happen again" promises.
    told_past = any(t.lower_ in {"never", "always"} and t.head.tag_ in {"VBD", "VBN"} for t in sent) and not future
    absolute = bool(_ABSOLUTE.search(without_declined_promises(sent)))  # "I can't guarantee it" promises nothing
    if absolute and declarative and not told_past and (
        future or "overpromise" in labels or any(c.negated and c.tense == "future" for c in sentence.clauses) or "never" in lower.split()
    ):
        labels["overpromise"] = max(labels.get("overpromise", 0), 0.8)
    elif "overpromise" in labels and (told_past or not absolute):
        labels.pop("overpromise")
    if "overpromise" in labels or ("follow_up" in labels and not has_time):
        labels.pop("set_expectation", None)  # skills.md: a follow-up with a time also sets an expectation


def _dismissive_and_closing(labels: dict[str, float], sentence: Sentence, text: str, greets: bool, sims: dict[str, float]) -> None:
    """Dismissive lines, and the closing questions (agreement, satisfaction, bridge) a sentence can ask."""
    sent, form, lower = sentence.span, sentence.question, text.lower()
    if _DISMISSIVE.search(text) or _blames(sent):
        labels["dismissive"] = max(labels.get("dismissive", 0), 0.85)
    elif "dismissive" in labels and (_COURTEOUS.search(text) or _REFLECTIVE_FRAME.search(text) or _SUMMING_UP.match(text)):
        # by meaning alone, "I'm hearing you've been passed between departments" is not, nor "I see, so it was a
        # present and you don't have the receipt"
        labels.pop("dismissive")
    if form.is_question and labels.get("dismissive", 0) < 0.85:  # blaming questions must be unmistakable
        labels.pop("dismissive", None)
    if "dismissive" in labels and not greets:
        labels.pop("greet_acknowledge", None)  # "You'll have to wait like everyone else" mentions the wait; it acknowledges nothing
    if not form.is_question:
        for label in CLOSING_QUESTIONS:
            if label != "bridge" or not re.search(r"\banything else\b", lower):
                labels.pop(label, None)
    if "bridge" in labels and not _FURTHER.search(lower):
        labels.pop("bridge")  # "How can I help today?" opens; a bridge offers help with something else
    if form.high_gain and _HYPOTHETICAL.search(lower):
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


def _offers(sentence: Sentence, text: str) -> bool:
    """The speaker says what they can or will do for the customer (by the parse, not "I can't…"), or offers by wording."""
    return any(c.commits for c in sentence.clauses) or bool(_OFFER_WORDS.search(text))


#: what makes an offer more than one decided plan: a choice, an extra, a route the customer can take.
_CHOICE_WORDS = frozenset({"or", "either", "alternatively", "instead", "option", "options", "also", "otherwise"})


def _decided_plan(sentence: Sentence, text: str) -> bool:
    """One plan the speaker has decided on ("I'll remove the late fee", "We're going to send a new one"): their
    future, with no choice, no optional extra, no condition the customer acts on and no 'I can' to take or leave."""
    own = [c for c in sentence.clauses if c.person == "speaker" and not c.negated and c.modal]
    if not own or any(c.modal not in {"will", "going to", "shall"} for c in own):
        return False
    words = {t.lower_ for t in sentence.span}
    routed = any(t.lower_ in {"if", "once", "when"} and t.dep_ == "mark" for t in sentence.span)
    return not (words & _CHOICE_WORDS) and not routed and not _OFFER_WORDS.search(text)


def _narrates(sentence: Sentence, text: str) -> bool:
    """Tells what happened to the customer ("They promised it by Friday and it came on Monday"): a past-tense
    verb, no word that looks ahead but "by" or "next" (which can point back too), and not the trainee's own
    doing ("I booked the engineer for Thursday" sets an expectation)."""
    ahead = _future(sentence) or bool({m.group(0).lower() for m in _AHEAD.finditer(text)} - {"by", "next"})
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

def apply_wording(labels: dict[str, float], sentence: Sentence, text: str, index: int, sims: dict[str, float]) -> None:
    """Add or drop labels by the sentence's grammar and wording (`index`: its place in the message)."""
    lower = text.lower()
    greets = _GREETING.search(text) or _ACK_WAIT.search(text)
    if index == 0 and greets:
        labels["greet_acknowledge"] = max(labels.get("greet_acknowledge", 0), 0.9)
    elif not greets and re.search(r"\banything else\b", lower):
        labels.pop("greet_acknowledge", None)  # "Anything else I can do for you?" bridges at the end; it greets no one
    if _THANKS.search(text) and not re.search(r"\b(thanks? to|no thanks|appreciate it if)\b", lower):
        labels["thank"] = max(labels.get("thank", 0), 0.9)
    elif "thank" in labels and not _THANKS.search(text):
        labels.pop("thank")
    _helping(labels, sentence, text)
    _dismissive_and_closing(labels, sentence, text, bool(greets), sims)


def offers(sentence: Sentence, text: str) -> bool:
    """Whether the sentence offers something, by its grammar and wording."""
    return _offers(sentence, text)
