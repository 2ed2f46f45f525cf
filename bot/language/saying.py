"""What the customer says back of a trainee's offer, plan or promise, read from the parse: a few words of their own
(the verb the trainee commits to, its particle and object, persons swapped by their role) and the time in full.
Never the trainee's sentence: "I can add 50gb free data to your phone so you can hotspot" is said back as
"add 50gb free data", and "the refund normally takes 3 to 5 working days" as "3 to 5 working days".
"""

from __future__ import annotations

from typing import Any

from bot.language.person import object_form, replacements

#: clauses that say when, why or on what condition, not what is offered ("… so you can hotspot", "if it turns up").
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "csubj", "pcomp", "pobj", "ccomp", "mark"})
#: the links by which a verb takes its doer from the verb it depends on ("I'll remake it and bring…", "happy to send").
_SHARED_SUBJECT = frozenset({"conj", "xcomp", "acomp"})
#: words of the object said back: its determiner, adjectives, compounds, numbers and owner.
_OBJECT_WORDS = frozenset({"det", "amod", "compound", "nummod", "poss", "quantmod", "nmod"})
#: the most words of an object said back.
MAX_OBJECT_WORDS = 4


def said_back(span: Any) -> tuple[str, ...]:
    """The things the speaker commits to doing in a span, each as a few words from the listener's side:
    'I can remake your coffee now, or pack the wrap to take away' -> ('remake my coffee', 'pack the wrap')."""
    changes = replacements(span)
    out: list[str] = []
    for token in span:
        let = token.dep_ == "ccomp" and token.head.lemma_.lower() == "let"  # "let me get you a fresh one"
        if token.pos_ == "VERB" and (_cleft(token) or ((let or token.dep_ not in _SUBORDINATE) and _speaker_does(token))):
            phrase = _verb_phrase(token, changes)
            if phrase and phrase not in out and not _announces(token):
                out.append(phrase)
    return tuple(out)


def read_back(text: str) -> tuple[tuple[str, ...], str]:
    """What a text commits to (as :func:`said_back`) and its first time in full, when no detection carried them."""
    from bot.language import understand

    sentences = understand(text).sentences
    said = tuple(phrase for sentence in sentences for phrase in said_back(sentence.span))
    timed = next((s for s in sentences if s.times), None)
    when = time_said(timed.span, timed.times[0].start, timed.times[0].end) if timed is not None else ""
    return said, when


def time_said(span: Any, start: int, end: int) -> str:
    """The time between characters `start` and `end` of a span's doc, with the words that belong to it:
    '5 working days' in 'takes 3 to 5 working days' -> '3 to 5 working days'; 'six' in 'by six' -> 'by six'."""
    doc = span.doc
    tokens = [t for t in doc if start <= t.idx < end]
    if not tokens:
        return ""
    first = tokens[0].i
    while first > span.start and _belongs_to_time(doc[first - 1], doc[first:tokens[-1].i + 1]):
        first -= 1
    while doc[first].is_punct and first < tokens[0].i:
        first += 1
    return doc[first : tokens[-1].i + 1].text


def _belongs_to_time(word: Any, time: Any) -> bool:
    """By the parse: a number ("3" to 5 days), the preposition or adverb the time hangs on ("within", "by",
    "about"), or what joins two numbers ("3 to 5", "two or three")."""
    if word.pos_ == "NUM":
        return True
    if word.pos_ == "ADP" and any(t.head.i == word.i for t in time):  # "within" fifteen minutes
        return True
    if word.pos_ == "ADV" and any(word.head.i == t.i for t in time):  # "about" ten minutes
        return True
    before = word.doc[word.i - 1] if word.i > 0 else None
    return word.pos_ in {"ADP", "CCONJ", "PUNCT", "SYM"} and before is not None and before.pos_ == "NUM" and time[0].pos_ == "NUM"


def _announces(verb: Any) -> bool:
    """'I can do two things: …': a verb whose object runs into a colon announces the offers that follow."""
    doc = verb.doc
    obj = next((c for c in verb.children if c.dep_ == "dobj"), verb)
    return obj.i + 1 < len(doc) and doc[obj.i + 1].text == ":"


def _cleft(verb: Any) -> bool:
    """'What I'll do is refund the charge': the verb after 'is' is what the speaker does."""
    be = verb.head
    return verb.dep_ in {"attr", "xcomp", "ccomp", "acomp"} and be.lemma_.lower() == "be" and any(
        child.dep_ in {"csubj", "nsubj"} and child.i < be.i and any(t.lower_ in {"i", "we"} for t in child.subtree)
        for child in be.children)


def _speaker_does(verb: Any) -> bool:
    """The speaker (I, we) does this verb, itself or through the verb it is joined to; 'let me…' too."""
    token = verb
    for _ in range(6):
        subject = next((c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None:
            let = token.head.lemma_.lower() == "let" and subject.lower_ in {"me", "us"}
            return let or subject.lower_ in {"i", "we"}
        if token.dep_ not in _SHARED_SUBJECT or token.head.i == token.i:
            return False
        token = token.head
    return False


def _verb_phrase(verb: Any, changes: dict[int, str]) -> str:
    """The verb, its particle, whom it is for and its object (or, for a pronoun object, where: 'sit you at the bar')."""
    kept = [verb]
    obj = None
    for child in verb.children:
        if child.dep_ == "prt" or (child.dep_ == "dative" and child.pos_ == "PRON"):  # "give me", not "for"
            kept.append(child)
        elif child.dep_ == "dobj" and obj is None:
            obj = child
    if obj is None:  # "make you a proper flat white", parsed as a small clause: the noun is the object all the same
        obj = next((c for c in verb.children if c.dep_ in {"ccomp", "oprd"} and c.pos_ == "NOUN" and c.i > verb.i), None)
        whom = next((c for c in obj.lefts if c.dep_ == "nsubj" and c.pos_ == "PRON"), None) if obj is not None else None
        if whom is not None:
            kept.append(whom)
            changes = {**changes, whom.i: object_form(whom)}
    if obj is not None:
        words = [c for c in obj.lefts if c.dep_ in _OBJECT_WORDS][-(MAX_OBJECT_WORDS - 1):]
        kept += [*words, obj]
    if obj is None or obj.pos_ == "PRON":
        place = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i), None)
        target = next((c for c in place.children if c.dep_ == "pobj"), None) if place is not None else None
        if place is not None and target is not None:
            kept += [place, *[c for c in target.lefts if c.dep_ in _OBJECT_WORDS], target]
    purpose = next((c for c in verb.children if c.dep_ in {"xcomp", "advcl"} and c.i > verb.i and _bare_purpose(c)), None)
    if purpose is not None:  # "pack it to take away": the purpose belongs to the offer
        kept += [c for c in purpose.subtree if c.i == purpose.i or (c.head.i == purpose.i and c.dep_ in {"aux", "prt", "advmod"})]
    if len(kept) == 1:
        return ""  # a bare verb ("I'll check") says back nothing the customer can hold on to
    unique = {t.i: t for t in kept}
    order = sorted(unique)
    # each word with its own spacing where the next word follows it ("£150"), one space across a gap
    return "".join(changes.get(i, unique[i].text) + (unique[i].whitespace_ if nxt == i + 1 else " ")
                   for i, nxt in zip(order, [*order[1:], -1], strict=True)).strip()


def _bare_purpose(verb: Any) -> bool:
    """'to take away': an infinitive of purpose with no object of its own ('so you can eat' is no purpose said back)."""
    kids = list(verb.children)
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in kids) and not any(c.dep_ in {"dobj", "nsubj"} for c in kids)
