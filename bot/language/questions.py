"""The form of a question, read from spaCy's tokens: open, closed, either-or, factual, high-gain or a prompt for
information ("Talk me through what happened", "send me ur postcode"), and what it asks about."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.language.parse import written
from bot.language.question_words import Token, question_words
from bot.language.requests import TELL_VERBS, WH_WORDS, cleft_of_interest, fact_fragment, requested, tell_request, wonders

FACTUAL_WH = frozenset({"when", "where", "which", "who", "whom", "whose"})
AUX_START = frozenset({
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "should",
    "have", "has", "had", "may", "might", "shall", "am", "is'nt", "isn't", "aren't", "don't",
    "doesn't", "didn't", "won't", "wouldn't", "couldn't", "can't", "haven't", "hasn't", "wasn't",
    "weren't", "shouldn't", "r", "u", "ya",
})
_WORDS = question_words()
LEADING_FILLERS = _WORDS.leading_fillers
#: A factual question asks for one specific fact, briefly: "When did it arrive?", "What's your order number?".
SHORT_FACTUAL_WORDS = 8
#: where a question can list the options it asks the customer to choose between: "What would you like, tea or coffee?"
_BREAKS = frozenset({",", "-", "–", "—", ":", ";"})
__all__ = ["AUX_START", "LEADING_FILLERS", "WH_WORDS", "QuestionForm", "Token", "choosing_after_options", "exclaims", "question_form"]


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
        elif out[0].pos_ in {"ADP", "SCONJ"} and len(out) > 1 and written(out[1]) in WH_WORDS and written(out[0]) not in WH_WORDS:
            out = out[1:]  # the preposition before a wh-word: "From which date…?", "Till when?", "At what time?"
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
    wh = next((w for w in words if written(w) in WH_WORDS), None)
    if wh is not None:
        for w in words[words.index(wh) + 1 : words.index(wh) + 3]:
            if w.pos_ in {"NOUN", "PROPN"} and w.head.i != w.i:
                return _with_compounds(w)  # "which flight", "what time"
    for dep in ("attr", "nsubj", "dobj", "nsubjpass", "pobj"):
        for w in words:
            if w.dep_ == dep and w.pos_ in {"NOUN", "PROPN"} and w.lower_ not in _EMPTY_HEADS:
                return _with_compounds(w)
    verb = next((w for w in words if w.dep_ == "ROOT"), words[0])
    prefix = f"{written(wh)} " if wh is not None and written(wh) not in {"what", "which"} else ""
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
    lowers = [written(t) for t in words]
    alpha = [w for w in lowers if w.isalpha()]
    if alpha[-1:] == ["or"] and len(alpha) > 2:
        # "Do you have a plan for where you might go, or?": the trailing "or" leaves the answer open.
        return _open_form(lowers, words, False, asked_via_request=True)
    either_or = marked and "or" in lowers and not any(
        f"or {w}" in " ".join(lowers) for w in ("anything", "something", "so", "not", "whatever", "two", "less", "more")
    )
    if lowers[0] in WH_WORDS:
        return _wh_form(tokens, words, marked, either_or)
    if lowers[0] in {"any", "anything", "anyone", "anybody", "something"} and marked and words[0].dep_ not in {"nsubj", "nsubjpass"}:
        if tell_request(lowers):
            return _open_form(lowers, words, either_or, asked_via_request=True)  # "Any idea what changed?" asks for an account
        # "Anything else?", "Any other concerns?": yes/no questions (skills.md: "Anything else I can help with?" is
        # closed_question + bridge); not "Something's changed, yeah?", where it is a statement's subject
        return QuestionForm(is_question=True, open=False)
    if wonders(lowers) and any(w in WH_WORDS for w in lowers[1:-1]):
        return _open_form(lowers, words, either_or, asked_via_request=True)  # "I wonder what you think about that."
    asked_for = requested(words)
    if asked_for:  # "Could you read me the policy number?", "Kindly share the PNR", "Can you send me a screenshot?"
        return QuestionForm(is_question=True, open=True, factual=asked_for == "fact", request=True)
    return _request_or_yes_no(tokens, words, marked, either_or)


def _wh_form(tokens: Sequence[Token], words: Sequence[Token], marked: bool, either_or: bool) -> QuestionForm:
    """A sentence that starts with a wh-word: a question, a wh-cleft, an exclamation or a clause that sets a scene."""
    lowers = [written(t) for t in words]
    first, second = lowers[0], (lowers[1] if len(lowers) > 1 else "")
    if not marked and tokens[-1].text in _BREAKS and _subordinate(words):
        return NOT_A_QUESTION  # "When you opened the parcel," sets the scene for the question after it
    if not marked and ((words[0].dep_ == "advmod" and words[0].head.dep_ == "advcl") or _relative(words[0])):
        return NOT_A_QUESTION  # "When it arrived, it was broken.", "…, which you'd know if you'd read them"
    if first == "what" and second in {"if"} and not marked:
        return NOT_A_QUESTION
    if not marked and (exclaims(words) or not _asks(words)):
        return NOT_A_QUESTION  # exclamations: "What a day!", "Ugh, how maddening."
    if _asks_to_choose(lowers):
        return QuestionForm(is_question=True, open=False, either_or=True, choosing=True)
    if _relative_clause_statement(words):
        if cleft_of_interest(lowers):  # "What I'd really like to know is how it got mixed up."
            return _open_form(lowers, words, either_or, asked_via_request=True)
        return NOT_A_QUESTION
    if not marked and not _asks(words):
        return NOT_A_QUESTION  # "Where 1 is not at all important, and 10 is ..."
    # "What's the nearest exit or mile marker?" asks one fact; "What would suit you, a refund or a voucher?" lists
    # the options to choose between after a break
    listed = either_or and (first == "which" or _options_after_break(words))
    return _open_form(lowers, words, listed)


def _request_or_yes_no(tokens: Sequence[Token], words: Sequence[Token], marked: bool, either_or: bool) -> QuestionForm:
    """A question asked by a request to tell, a yes/no question, a fragment naming a fact, or no question."""
    lowers = [written(t) for t in words]
    first = lowers[0]
    request = tell_request(lowers)
    if first in AUX_START and len(words) > 1:
        if request:
            return _open_form(lowers, words, False, asked_via_request=True)
        if not _inverted(words) and not marked:
            return NOT_A_QUESTION
        if not marked and first in {"should", "had", "were"} and any(t.text == "," for t in tokens):
            return NOT_A_QUESTION  # a condition: "Should you have any further questions, please call us."
        return QuestionForm(is_question=True, open=False, either_or=either_or)
    if request and first in TELL_VERBS | {"please", "let"}:
        return _open_form(lowers, words, False, asked_via_request=True)
    said = [w for w in words if not w.is_punct]
    if (marked or (said and said[-1].norm_ == "please")) and fact_fragment(words):
        return QuestionForm(is_question=True, open=True, factual=True)  # "And your postcode?", "Postcode, please."
    if marked:
        # Declarative question ("You got a latte?") or fragment ("Refund or replacement?").
        wh_inside = [w for w in lowers[1:] if w in WH_WORDS]
        if wh_inside and any(v in lowers for v in ("tell", "know", "explain", "describe", "wondering", "ask", "imagine")):
            return _open_form(lowers, words, either_or)
        return QuestionForm(is_question=True, open=False, either_or=either_or)
    return NOT_A_QUESTION


def exclaims(tokens: Sequence[Token]) -> bool:
    """An exclamation, not a question: 'What a day!', 'What a letdown.', 'How infuriating.', 'How very kind!' ('what
    a' and a noun, or 'how' and a describing word, with no subject)."""
    content = [w for w in _content(tokens) if not w.is_punct]
    if not content or content[0].lower_ not in {"how", "what"}:
        return False
    if content[0].lower_ == "what":
        return len(content) > 1 and content[1].lower_ in {"a", "an"}
    return len(content) <= 3 and not any(w.dep_ in {"nsubj", "nsubjpass", "expl"} for w in content)


def _relative(wh: Token) -> bool:
    """A wh-word that opens a relative clause ("the T&Cs, which you accepted"), not a question."""
    return wh.head.dep_ == "relcl" and wh.head.head.i < wh.i


def _options_after_break(words: Sequence[Token]) -> bool:
    """The options come after a comma, dash or colon: "What would you like, tea or coffee?"."""
    breaks = [w.i for w in words if w.text in _BREAKS]
    ors = [w.i for w in words if w.lower_ == "or"]
    return bool(breaks and ors and any(b < o for b in breaks for o in ors))


def _asks_to_choose(lowers: list[str]) -> bool:
    """'Which would you prefer?', 'Which one works best for you?', 'Which is easier?', 'Which one?': a choice between
    the options just offered, with the options left unsaid (not 'Which flight were you on?', which asks for a fact)."""
    words = [w for w in lowers if w.isalpha() or w == "'s"]
    if words[:1] != ["which"] or len(words) > 10:
        return False
    return words[1:] in ([], ["one"]) or (len(words) > 1 and words[1] in _WORDS.choice_next and bool(_WORDS.preference & set(words)))


def choosing_after_options(form: QuestionForm, tokens: Sequence[Token]) -> QuestionForm:
    """'What would you like?' after options were offered ("…a refund or a voucher. What would suit you best?") asks
    to choose between them: an either/or question (skills.md), not an open one."""
    words = [w for w in _content(tokens) if not w.is_punct]
    lowers = [written(w) for w in words]
    if not form.open or form.factual or not lowers or lowers[0] not in {"what", "which"} or len(lowers) > 9:
        return form
    nouns = [w for w in words[1:] if w.pos_ in {"NOUN", "PROPN"} and w.lower_ not in {"one", "option"}]
    if nouns or not _WORDS.preference & set(lowers):
        return form
    return QuestionForm(is_question=True, open=False, either_or=True, choosing=True, about=form.about)


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
        if words and written(words[0]) in WH_WORDS:
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
    first = written(words[0])
    lowers = [written(w) for w in words]
    if first in WH_WORDS:
        return _asks(words) or (len(words) > 1 and words[1].text == "?")
    if first in AUX_START:
        return _inverted(words)
    return first in TELL_VERBS and tell_request(lowers)


def _asks(words: Sequence[Token]) -> bool:
    """A wh-word without a question mark still asks when a verb or auxiliary follows it: 'what happened'."""
    for token in words[1:4]:
        if token.pos_ in {"AUX", "VERB"}:
            return True
        if token.pos_ not in {"NOUN", "ADJ", "ADV", "DET", "PRON"}:
            return False
    return False


def _inverted(words: Sequence[Token]) -> bool:
    """An auxiliary followed by its subject: 'did you', 'is it', 'can we'."""
    if len(words) < 2:
        return False
    first, second = words[0], words[1]
    if first.pos_ == "VERB" and not any(
            c.dep_ in {"nsubj", "nsubjpass", "expl"} and c.i > first.i for c in first.children):
        return False  # the main verb of an imperative, not an auxiliary: "Have a nice day!", "Have a seat"
    return second.pos_ in {"PRON", "PROPN", "NOUN", "DET", "NUM"} or second.lower_ in {"there", "that", "this", "everything", "anything", "anyone"}


def _relative_clause_statement(words: Sequence[Token]) -> bool:
    """'What I can do is refund you.' — a wh-cleft statement, not a question (unless it ends with a question mark)."""
    lowers = [written(w) for w in words]
    if lowers[0] != "what" or "?" in lowers:
        return False
    # "What you need to do is call the bank", "What happened was the courier lost it": the what-clause is the subject.
    return (len(lowers) > 2 and lowers[1] in {"i", "we"} and "is" in lowers[2:6]) or any(w.dep_ == "csubj" for w in words)


def _open_form(lowers: list[str], words: Sequence[Token], either_or: bool, asked_via_request: bool = False) -> QuestionForm:
    if either_or and not asked_via_request and lowers[0] in WH_WORDS and len(lowers) < 20:
        return QuestionForm(is_question=True, open=False, either_or=True)
    wh = next((w for w in lowers if w in WH_WORDS), "")
    wishes = "would" in lowers and ("like" in lowers or "want" in lowers or "need" in lowers)
    weighs = set(lowers) & _WORDS.high_gain_words
    high_gain = bool(weighs) or wh == "why" or wishes
    factual = _asks_one_fact(lowers, words, wh, asked_via_request)
    if factual and high_gain and (wh == "which" or (wh in FACTUAL_WH | {"how"} and weighs - _WORDS.wishing_words)):
        factual = False  # "When did you first feel worried?", "Which part matters most to you?" ask them to weigh it
    return QuestionForm(is_question=True, open=True, factual=factual, high_gain=high_gain and not factual,
                        request=asked_via_request and not wh)


def _asks_one_fact(lowers: list[str], words: Sequence[Token], wh: str, asked_via_request: bool) -> bool:
    """A wh-question for one specific fact: a time, a place, a person, a measure, or the thing a noun names."""
    if not wh or (asked_via_request and not _short(lowers)):
        return False  # "I'm wondering where you're at with all this" asks for an account
    at = lowers.index(wh)
    after = lowers[at + 1 : at + 3]
    if wh in FACTUAL_WH - {"which"}:
        return True  # "When were you hoping to pick it up?", "Where did you leave it?", "Who did you speak to?"
    if wh == "how":
        measured = after[:1] and after[0] in _WORDS.how_factual
        return bool(measured and (after[0] in {"many", "often", "long"} or _short(lowers)))
    asked = _asked_noun(words[at])
    if asked is not None:  # "What colour is it?", "Which branch did you use?", "What time would suit you tomorrow?"
        named = {asked.lemma_.lower(), asked.lower_}
        return not named & _WORDS.account_nouns and (_short(lowers) or bool(named & _WORDS.fact_nouns))
    if wh != "what":
        return wh == "which" and _short(lowers)
    # What the question is about ("What's your partner's name?", "What's the nearest exit or junction number?"), or,
    # in a short one, a noun just after "what" (not one in a phrase beside it: "What changed on the account?")
    about = [w.lemma_.lower() for w in words if w.pos_ == "NOUN" and (
        w.dep_ in {"nsubj", "attr"} or (w.dep_ == "conj" and w.head.dep_ in {"nsubj", "attr"}))]
    near = [w.lemma_.lower() for w in words[at + 1 : at + 5] if w.pos_ in {"NOUN", "PROPN"} and w.dep_ != "pobj"]
    copula = words[at].head.lemma_ == "be"
    return any(n in _WORDS.fact_nouns for n in about if copula or _short(lowers)) or (
        _short(lowers) and any(n in _WORDS.fact_nouns for n in near))


def _asked_noun(wh: Token) -> Token | None:
    """The noun a 'what' or 'which' determines: 'what colour', 'which branch's drop box' -> colour, branch."""
    if wh.dep_ == "det" and wh.head.pos_ in {"NOUN", "PROPN"} and wh.head.i > wh.i:
        return wh.head
    return None


def _short(lowers: list[str]) -> bool:
    return len([w for w in lowers if w.isalpha()]) <= SHORT_FACTUAL_WORDS
