"""The form of a question, read from spaCy's tokens: open, closed, either-or, factual, high-gain or a prompt for
information ("Talk me through what happened", "send me ur postcode"), and what it asks about."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

WH_WORDS = frozenset({"what", "how", "why", "when", "where", "which", "who", "whom", "whose"})
FACTUAL_WH = frozenset({"when", "where", "which", "who", "whom", "whose"})
AUX_START = frozenset({
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "should",
    "have", "has", "had", "may", "might", "shall", "am", "is'nt", "isn't", "aren't", "don't",
    "doesn't", "didn't", "won't", "wouldn't", "couldn't", "can't", "haven't", "hasn't", "wasn't",
    "weren't", "shouldn't", "r", "u", "ya",
})
TELL_VERBS = frozenset({"tell", "describe", "explain", "walk", "talk", "share", "say", "elaborate", "expand", "go", "help"})
LEADING_FILLERS = frozenset({
    "so", "ok", "okay", "and", "um", "uh", "well", "alright", "right", "great", "now", "then",
    "oh", "also", "just", "but", "sorry", "hi", "hello", "yeah", "yes", "no", "please", "hmm",
})
FACT_NOUNS = frozenset({
    "number", "name", "time", "date", "day", "address", "email", "phone", "size", "colour", "color",
    "reference", "code", "flight", "model", "amount", "price", "cost", "postcode", "zip", "account",
    "order", "invoice", "booking", "seat", "room", "table", "receipt", "card", "total", "id", "quantity",
    # which thing of several: "What one did you order?", "What store was it?" ("plan" and "part" are not: "What are
    # your plans?", "What parts of it do you enjoy?" ask for an account)
    "one", "type", "brand", "item", "product", "store", "shop", "branch", "department", "version",
    "package", "tariff", "platform", "browser", "app", "device",
    "reg", "registration", "username", "surname", "ticket", "policy", "claim", "tracking", "terminal", "gate",
    "airport", "street", "location", "birthday", "dob", "age", "mileage", "serial", "ref",
})
#: A factual question asks for one specific fact, briefly: "When did it arrive?", "What's your order number?".
SHORT_FACTUAL_WORDS = 8
HOW_FACTUAL = frozenset({"many", "much", "long", "old", "often", "far", "soon", "late", "early", "big", "deep", "wide", "tall", "heavy", "high", "fast", "large", "small", "frequently", "recently"})
HIGH_GAIN_WORDS = frozenset({
    "feel", "feeling", "felt", "think", "thought", "prefer", "ideal", "ideally", "outcome", "matter",
    "matters", "important", "affect", "affected", "affecting", "impact", "impacted", "best", "worry",
    "worried", "concern", "concerned", "expect", "hope", "hoping", "mean", "means", "rather",
    "fair", "difference", "success", "happy", "affects", "impacts", "experience", "bothering",
    "bothers", "upset", "upsetting", "frustrating", "difficult", "hardest", "worst", "priority",
})


class Token(Protocol):
    """The slice of spaCy's Token that this module reads."""

    text: str
    lower_: str
    lemma_: str
    pos_: str
    tag_: str
    dep_: str
    is_punct: bool
    i: int

    @property
    def head(self) -> Token:
        """The token this one depends on."""

    @property
    def children(self) -> Iterator[Token]:
        """The tokens that depend on this one."""


@dataclass(frozen=True)
class QuestionForm:
    """What kind of question a sentence is, if any."""

    is_question: bool
    open: bool = False
    factual: bool = False
    high_gain: bool = False
    either_or: bool = False
    #: asks the customer to pick one of the options just offered: "Which would suit you better?"
    choosing: bool = False
    #: asks for an account by a request rather than a wh-word: "Can you tell me…", "Talk me through…".
    request: bool = False
    #: what it asks about: the wh-target or head noun ("order number", "arrive"), lower case.
    about: str = ""

    @property
    def form(self) -> str:
        """'either_or', 'closed', 'factual', 'prompt', 'open', or '' for no question."""
        if not self.is_question:
            return ""
        if self.either_or and not self.open:
            return "either_or"
        if not self.open:
            return "closed"
        if self.factual:
            return "factual"
        return "prompt" if self.request else "open"

    @property
    def labels(self) -> list[str]:
        """The skill labels this form carries."""
        if not self.is_question:
            return []
        if not self.open:
            return ["closed_question"]
        labels = ["open_question"]
        if self.factual:
            labels.append("factual_question")
        if self.high_gain:
            labels.append("high_gain_question")
        return labels


NOT_A_QUESTION = QuestionForm(is_question=False)


def _content(tokens: Sequence[Token]) -> list[Token]:
    """The sentence without leading fillers, punctuation and a name said to the listener ("Sarah, so what...")."""
    out = list(tokens)
    while out:
        if out[0].is_punct or out[0].lower_ in LEADING_FILLERS or out[0].text.strip("-—–") == "":
            out = out[1:]
        elif out[0].pos_ == "PROPN" and len(out) > 2 and out[1].text == ",":
            out = out[2:]
        else:
            break
    return out


def question_form(tokens: Sequence[Token]) -> QuestionForm:
    """Classify one sentence: 'Can you tell me what happened?' is open; 'Did you keep the receipt' is closed.

    A question may follow a phrase set off by a comma ("When you tried to log in, what happened?",
    "Having heard that, how do you feel about it?"): the question that follows it decides.
    """
    tokens = [t for t in tokens if not t.text.isspace()]  # blanks left by text.tidy
    head = _question_after_fronted_phrase(tokens)
    asked = tokens[head:] if head is not None else tokens
    form = _form(asked)
    return replace(form, about=asks_about(asked)) if form.is_question else form


#: what a question asks about is never one of these ("What is it?", "Did you do that?").
_EMPTY_HEADS = frozenset({"it", "that", "this", "thing", "something", "anything", "everything", "one", "you", "i", "me", "we"})


def asks_about(tokens: Sequence[Token]) -> str:
    """The wh-target or the head noun a question asks about: 'What's your order number?' -> 'order number',
    'Which flight were you on?' -> 'flight', 'When did it arrive?' -> 'when arrive'."""
    words = _content(tokens)
    if not words:
        return ""
    wh = next((w for w in words if w.lower_ in WH_WORDS), None)
    if wh is not None:
        for w in words[words.index(wh) + 1 : words.index(wh) + 3]:
            if w.pos_ in {"NOUN", "PROPN"} and w.head.i != w.i:
                return _with_compounds(w)  # "which flight", "what time"
    for dep in ("attr", "nsubj", "dobj", "nsubjpass", "pobj"):
        for w in words:
            if w.dep_ == dep and w.pos_ in {"NOUN", "PROPN"} and w.lower_ not in _EMPTY_HEADS:
                return _with_compounds(w)
    verb = next((w for w in words if w.dep_ == "ROOT"), words[0])
    prefix = f"{wh.lower_} " if wh is not None and wh.lower_ not in {"what", "which"} else ""
    return f"{prefix}{verb.lemma_.lower()}"


def _with_compounds(noun: Token) -> str:
    """A noun with the nouns compounded before it: 'order number', 'flight number'."""
    words = [c.lower_ for c in getattr(noun, "children", ()) if c.dep_ == "compound" and c.i < noun.i]
    return " ".join([*words, noun.lemma_.lower()])


def _form(tokens: Sequence[Token]) -> QuestionForm:
    words = _content(tokens)
    if not words:
        return NOT_A_QUESTION
    marked = any(t.text == "?" for t in tokens)
    lowers = [t.lower_ for t in words]
    first = lowers[0]
    second = lowers[1] if len(lowers) > 1 else ""
    alpha = [w for w in lowers if w.isalpha()]
    if alpha[-1:] == ["or"] and len(alpha) > 2:
        # "Do you have a plan for where you might go, or?": the trailing "or" leaves the answer open.
        return _open_form(lowers, words, False, asked_via_request=True)
    either_or = marked and "or" in lowers and not any(
        f"or {w}" in " ".join(lowers) for w in ("anything", "something", "so", "not", "whatever", "two", "less", "more")
    )

    if first in WH_WORDS:
        if not marked and tokens[-1].text in {",", "-", ";", "–", "—"} and _subordinate(words):
            return NOT_A_QUESTION  # "When you opened the parcel," sets the scene for the question after it
        if not marked and words[0].dep_ == "advmod" and words[0].head.dep_ == "advcl":
            return NOT_A_QUESTION  # "When it arrived, it was broken.", "When it arrives I'll call you."
        if first == "what" and second in {"if"} and not marked:
            return NOT_A_QUESTION
        if first in {"how", "what"} and second in {"a", "an"} and not marked:
            return NOT_A_QUESTION  # exclamations: "What a day!"
        if _asks_to_choose(lowers):
            return QuestionForm(is_question=True, open=False, either_or=True, choosing=True)
        if _relative_clause_statement(words):
            if _cleft_of_interest(lowers):  # "What I'd really like to know is how it got mixed up."
                return _open_form(lowers, words, either_or, asked_via_request=True)
            return NOT_A_QUESTION
        if not marked and not _asks(words):
            return NOT_A_QUESTION  # "Where 1 is not at all important, and 10 is ..."
        return _open_form(lowers, words, either_or)

    if first in {"any", "anything", "anyone", "anybody", "something"} and marked and words[0].dep_ not in {"nsubj", "nsubjpass"}:
        # "Anything else?", "Any other concerns?"; not "Something's changed, yeah?", where it is a statement's subject
        return QuestionForm(is_question=True, open=True)
    if _wonders(lowers) and any(w in WH_WORDS for w in lowers[1:-1]):
        return _open_form(lowers, words, either_or, asked_via_request=True)  # "I wonder what you think about that."

    request = _tell_request(lowers)
    if first in AUX_START and len(words) > 1:
        if _requests_a_fact(words):
            return QuestionForm(is_question=True, open=True, factual=True, request=True)
        if request:
            return _open_form(lowers, words, False, asked_via_request=True)
        if not _inverted(words) and not marked:
            return NOT_A_QUESTION
        return QuestionForm(is_question=True, open=False, either_or=either_or)
    if request and first in TELL_VERBS | {"please", "let"}:
        return _open_form(lowers, words, False, asked_via_request=True)
    if _prompts_for_a_fact(words):
        return _open_form(lowers, words, False, asked_via_request=True)
    if marked and _fact_fragment(words):
        return QuestionForm(is_question=True, open=True, factual=True)  # "And your postcode?", "Order number?"
    if marked:
        # Declarative question ("You got a latte?") or fragment ("Refund or replacement?").
        wh_inside = [w for w in lowers[1:] if w in WH_WORDS]
        if wh_inside and any(v in lowers for v in ("tell", "know", "explain", "describe", "wondering", "ask", "imagine")):
            return _open_form(lowers, words, either_or)
        return QuestionForm(is_question=True, open=False, either_or=either_or)
    return NOT_A_QUESTION


#: verbs that, told to the listener, ask for a fact: "send me ur postcode", "Pop your order number in the chat".
PROMPT_VERBS = frozenset({"send", "give", "read", "spell", "confirm", "pop", "drop", "type", "share", "provide", "text", "dm", "message"})


#: what a request for one of the listener's facts names besides FACT_NOUNS.
_ASKED_FACTS = FACT_NOUNS | {"detail", "details", "reference", "ref", "postcode", "photo", "picture", "screenshot", "serial"}
_ONE_FACT = FACT_NOUNS | {"reference", "ref", "postcode", "serial"}
#: "Can I grab your order number?", "Could you confirm your postcode?": a yes/no form that asks for one fact.
_FACT_REQUEST_VERBS = PROMPT_VERBS | {"get", "have", "grab", "take", "tell", "ask"}


def _names_a_fact(words: Sequence[Token], facts: frozenset[str] = _ASKED_FACTS) -> bool:
    return any(w.lemma_.lower() in facts and w.dep_ in {"dobj", "dative", "npadvmod", "ROOT", "compound", "appos", "attr", "pobj"}
               for w in words)


def _prompts_for_a_fact(words: Sequence[Token]) -> bool:
    """An imperative that asks for one of the listener's facts: the verb first, its object a fact noun."""
    if words[0].lower_ not in PROMPT_VERBS or words[0].tag_ not in {"VB", "VBP", "NN", "NNP"}:
        return False
    return _names_a_fact(words[1:8])


#: facts a verbless question can ask for by name alone ("The blue one?" checks; "Your postcode?" asks).
_FRAGMENT_FACTS = frozenset({"number", "name", "postcode", "reference", "ref", "address", "email", "phone", "date", "time",
                             "reg", "registration", "username", "surname", "dob", "birthday", "id", "code", "account", "zip"})


def _fact_fragment(words: Sequence[Token]) -> bool:
    """A question without a verb that names one of the listener's facts: "And your postcode?", "Booking ref?"."""
    content = [w for w in words if not w.is_punct]
    if not content or len(content) > 5 or any(w.pos_ in {"VERB", "AUX"} for w in content) or "or" in {w.lower_ for w in content}:
        return False
    return content[-1].lemma_.lower() in _FRAGMENT_FACTS


def _requests_a_fact(words: Sequence[Token]) -> bool:
    """'Can I grab your order number?', 'Could you confirm the postcode for me?': asks for the listener's fact (the
    answer is the fact, not yes or no), the listener's own 'your' fact named as the object."""
    lowers = [w.lower_ for w in words[:8]]
    if len(lowers) < 4 or lowers[0] not in {"can", "could", "may", "would", "will"} or lowers[1] not in {"i", "you", "u", "we"}:
        return False
    if not any(w.lemma_.lower() in _FACT_REQUEST_VERBS for w in words[2:4]) or not ({"your", "ur"} & set(lowers)):
        return False
    return _names_a_fact(words[2:8], _ONE_FACT) and not _embedded_wh(lowers)


SUBORDINATORS = frozenset({"if", "when", "whenever", "while", "once", "after", "before", "since", "because", "although", "as", "unless"})


def _question_after_fronted_phrase(tokens: Sequence[Token]) -> int | None:
    """Where the question starts when a phrase or clause is set off before it by a comma; None when it starts the sentence.

    Without a question mark, only a wh-question after a phrase that cannot stand alone ("Thinking about your order,
    you know, how would you rate it"), with nothing but short asides ("you know") between them.
    """
    if not any(t.text == "?" for t in tokens):
        return _unmarked_question_after_fronted_phrase(tokens)
    starts = _chunk_starts(tokens)
    for index, start in enumerate(starts):
        words = _content(tokens[start:])
        if not words:
            return None
        if _subordinate(words) and index + 1 < len(starts):
            continue  # "When you're out, is there ever alcohol?": the clause after the comma is the question
        if _heads_a_question(words):
            return start if index else None
    return None


def _chunk_starts(tokens: Sequence[Token]) -> list[int]:
    return [0] + [i + 1 for i, t in enumerate(tokens[:-1]) if t.text in {",", ";", "--", "—"}]


def _unmarked_question_after_fronted_phrase(tokens: Sequence[Token]) -> int | None:
    starts = _chunk_starts(tokens)
    fronted = _content(tokens)
    if len(starts) < 2 or not fronted or not (fronted[0].tag_ == "VBG" or _subordinate(fronted)):
        return None
    for start, end in itertools.pairwise([*starts[1:], len(tokens)]):
        words = _content(tokens[start:end])
        if words and words[0].lower_ in WH_WORDS:
            return start if _asks(_content(tokens[start:])) else None
        if len([w for w in words if not w.is_punct]) > 2:
            return None  # a statement, not an aside
    return None


def _subordinate(words: Sequence[Token]) -> bool:
    """'when you logged in', 'if it's easy': a clause that sets the scene for what follows."""
    if words[0].lower_ not in SUBORDINATORS or len(words) < 2:
        return False
    return words[1].pos_ in {"PRON", "PROPN", "NOUN", "DET"} or words[1].dep_ in {"nsubj", "nsubjpass"}


def _heads_a_question(words: Sequence[Token]) -> bool:
    """The words start a question: a wh-word that asks, an inverted auxiliary, or a request to tell."""
    first = words[0].lower_
    lowers = [w.lower_ for w in words]
    if first in WH_WORDS:
        return _asks(words) or (len(words) > 1 and words[1].text == "?")
    if first in AUX_START:
        return _inverted(words)
    return first in TELL_VERBS and _tell_request(lowers)


def _asks(words: Sequence[Token]) -> bool:
    """A wh-word without a question mark still asks when a verb or auxiliary follows it: 'what happened'."""
    for token in words[1:4]:
        if token.pos_ in {"AUX", "VERB"}:
            return True
        if token.pos_ not in {"NOUN", "ADJ", "ADV", "DET", "PRON"}:
            return False
    return False


def _wonders(lowers: list[str]) -> bool:
    """Asking by saying what the trainee would like to know: 'I wonder…', '(I'm) wondering…', 'I'd be interested
    to know…', 'I'd love to hear…'."""
    window = lowers[:6]
    if lowers[0] in {"wondering", "curious"}:
        return True  # the "I'm" left out, as people do: "So, wondering what that's about."
    return lowers[0] in {"i", "i'm", "i'd"} and (
        any(w in window for w in ("wonder", "wondering", "wondered", "curious"))
        or (("interested" in window or bool({"like", "love"} & set(window) and {"'d", "would"} & set(window)))
            and any(w in window for w in ("know", "hear", "understand")))
    )


#: what someone says they want to know, in a wh-cleft: "What I'm curious about is…", "What I'd like to understand is…".
_INTEREST_WORDS = frozenset({"know", "understand", "hear", "interested", "curious", "wonder", "wondering", "learn"})


def _cleft_of_interest(lowers: list[str]) -> bool:
    """A wh-cleft that asks by saying what the speaker wants to know, then names it with a wh-clause:
    "What I'd really like to know is how the order got mixed up" (not "What I can do is refund you")."""
    if "is" not in lowers[2:]:
        return False
    copula = lowers.index("is", 2)
    return bool(_INTEREST_WORDS & set(lowers[1:copula])) and any(w in WH_WORDS for w in lowers[copula + 1 : copula + 3])


_CHOICE_NEXT = frozenset({"would", "do", "does", "will", "is", "one", "of", "option", "suits", "works", "sounds"})
_PREFERENCE = frozenset({"prefer", "rather", "suit", "suits", "better", "best", "work", "works", "like", "want", "sound", "sounds"})


def _asks_to_choose(lowers: list[str]) -> bool:
    """'Which would you prefer?', 'Which one works best for you?': a choice between the options just offered, an
    either/or question with the options left unsaid (not 'Which flight were you on?', which asks for a fact)."""
    words = [w for w in lowers if w.isalpha()]
    return (len(words) <= 10 and words[:1] == ["which"] and len(words) > 1 and words[1] in _CHOICE_NEXT
            and bool(_PREFERENCE & set(words)))


def _embedded_wh(lowers: list[str]) -> bool:
    """A wh-clause inside the question: 'Can I ask you what you like about it?'."""
    return any(w in WH_WORDS for w in lowers[2:-1])


def _inverted(words: Sequence[Token]) -> bool:
    """An auxiliary followed by its subject: 'did you', 'is it', 'can we'."""
    if len(words) < 2:
        return False
    first, second = words[0], words[1]
    if first.pos_ == "VERB" and first.dep_ == "ROOT" and not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in first.children):
        return False  # the main verb of an imperative, not an auxiliary: "Have a nice day!", "Have a seat"
    return second.pos_ in {"PRON", "PROPN", "NOUN", "DET", "NUM"} or second.lower_ in {"there", "that", "this", "everything", "anything", "anyone"}


def _relative_clause_statement(words: Sequence[Token]) -> bool:
    """'What I can do is refund you.' — a wh-cleft statement, not a question (unless it ends with a question mark)."""
    lowers = [w.lower_ for w in words]
    if lowers[0] != "what" or "?" in lowers:
        return False
    # "What you need to do is call the bank", "What happened was the courier lost it": the what-clause is the subject.
    return (len(lowers) > 2 and lowers[1] in {"i", "we"} and "is" in lowers[2:6]) or any(w.dep_ == "csubj" for w in words)


REQUEST_VERBS = ("describe", "explain", "elaborate", "expand", "share", "repeat", "tell",
                 "describing", "explaining", "sharing", "repeating", "telling")


def _tell_request(lowers: list[str]) -> bool:
    """'can you tell me', 'could you describe', 'tell me about', 'walk me through', 'can I ask what', 'let me know how'.

    'Did he tell you what to expect?', 'Is it okay if I share that?' and 'Do you know how to take it?' ask whether,
    not for an account; 'Do you have any idea why?' asks for the customer's view.
    """
    window = lowers[:6]
    wh_inside = _embedded_wh(lowers)
    return any(_addressed(lowers, v) for v in REQUEST_VERBS if v in window) or (
        "ask" in window and wh_inside) or ("let" in window and "know" in window and wh_inside) or (
        any(w in window for w in ("idea", "ideas", "thoughts")) and wh_inside) or (
        "walk" in window and "through" in lowers
    ) or ("talk" in window and ("through" in lowers or _follows(lowers, "talk", ("to", "me", "about")))) or (
        any("more" in lowers[lowers.index(v) + 1 : lowers.index(v) + 4] for v in ("say", "talk") if v in window)
    ) or ("help" in window and "understand" in lowers)


def _follows(lowers: list[str], word: str, after: tuple[str, ...]) -> bool:
    """The words right after the first 'word' are 'after': 'talk to me about'."""
    at = lowers.index(word) + 1
    return tuple(lowers[at : at + len(after)]) == after


def _addressed(lowers: list[str], verb: str) -> bool:
    """The listener is asked to do it: 'Tell me…', 'Can you describe…', 'Please explain…', 'Would you mind telling me…'
    (not 'Did he tell you…')."""
    at = lowers.index(verb)
    return at == 0 or lowers[at - 1] in {"you", "please", "u", "ya", "mind"}


def _open_form(lowers: list[str], words: Sequence[Token], either_or: bool, asked_via_request: bool = False) -> QuestionForm:
    if either_or and not asked_via_request and lowers[0] in {"which", "what"} and len(lowers) < 14:
        return QuestionForm(is_question=True, open=False, either_or=True)
    wh = next((w for w in lowers if w in WH_WORDS), "")
    after = lowers[lowers.index(wh) + 1 : lowers.index(wh) + 3] if wh else []
    wishes = "would" in lowers and ("like" in lowers or "want" in lowers or "need" in lowers)
    high_gain = bool(set(lowers) & HIGH_GAIN_WORDS) or wh == "why" or wishes
    short = len([w for w in lowers if w.isalpha()]) <= SHORT_FACTUAL_WORDS
    # A count, a frequency or a duration is factual however long the question: "How many times has it happened since Monday?"
    factual = wh == "how" and after[:1] in (["many"], ["often"], ["long"])
    if short and (not asked_via_request or wh):
        if wh in FACTUAL_WH or (wh == "how" and after[:1] and after[0] in HOW_FACTUAL):
            factual = True
        elif wh == "what":
            # The thing asked for: a noun just after "what", or what the question is about ("What's your partner's name?").
            after_wh = words[lowers.index(wh) + 1 : lowers.index(wh) + 5]
            nouns = [w.lemma_.lower() for w in after_wh if w.pos_ in {"NOUN", "PROPN"}]
            nouns += [w.lemma_.lower() for w in words if w.pos_ == "NOUN" and w.dep_ in {"nsubj", "attr"}]
            factual = any(n in FACT_NOUNS for n in nouns)
    if factual and wh in {"which", "when"} and high_gain:
        factual = False
    if factual and high_gain:
        high_gain = not factual
    return QuestionForm(is_question=True, open=True, factual=factual, high_gain=high_gain and not factual,
                        request=asked_via_request and not wh)
