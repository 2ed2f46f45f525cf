"""What the customer says back of a trainee's offer, plan or promise, read from the parse: a few words of their own
(the verb the trainee commits to, its particle and object, persons swapped by their role) and the time in full.
Never the trainee's sentence: "I can add 50gb free data to your phone so you can hotspot" is said back as
"add 50gb free data", and "the refund normally takes 3 to 5 working days" as "up to 5 working days".
"""

from __future__ import annotations

import itertools
from typing import Any

from bot.language.parse import spelled_out
from bot.language.person import object_form, replacements

#: clauses that say when, why or on what condition, not what is offered ("… so you can hotspot", "if it turns up").
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "csubj", "pcomp", "pobj", "ccomp", "mark"})
#: the links by which a verb takes its doer from the verb it depends on ("I'll remake it and bring…", "happy to send").
_SHARED_SUBJECT = frozenset({"conj", "xcomp", "acomp"})
#: words of the object said back: its determiner, adjectives, compounds, numbers and owner.
_OBJECT_WORDS = frozenset({"det", "amod", "compound", "nummod", "poss", "quantmod", "nmod"})
#: the most words of an object said back.
MAX_OBJECT_WORDS = 4
#: pronoun objects that name a thing, which need their place said with them ("put it" alone says nothing).
_THINGS = frozenset({"it", "that", "this", "them", "those", "these"})
#: the most of the trainee's words in one thing said back (a reply never repeats five of their words in a row).
MAX_SAID_WORDS = 4


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
    concrete = next(((s, t) for s in sentences for t in s.times if not t.vague), None)  # "as soon as it's in" is no when
    when = time_said(concrete[0].span, concrete[1].start, concrete[1].end) if concrete is not None else ""
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
    words = list(doc[first : tokens[-1].i + 1])
    if len(words) > MAX_SAID_WORDS and words[0].pos_ in {"ADP", "ADV"} and words[1].pos_ == "NUM":
        words = words[1:]  # "in two or three minutes" is said back as "two or three minutes"
    if len(words) > MAX_SAID_WORDS and words[0].pos_ == "NUM" and words[1].lower_ in {"to", "-", "–", "or", "and"} and words[2].pos_ == "NUM":
        return "up to " + _written(doc[words[2].i : words[-1].i + 1])  # "3 to 5 working days": "up to 5 working days"
    return _written(doc[words[0].i : words[-1].i + 1])


def _written(span: Any) -> str:
    """A span as the customer would write it ('11pm tonite' as '11pm tonight')."""
    return "".join(spelled_out(t) + t.whitespace_ for t in span).strip()


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
    return word.pos_ in {"ADP", "CCONJ", "PART", "PUNCT", "SYM"} and before is not None and before.pos_ == "NUM" and time[0].pos_ == "NUM"


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
    """The verb, its particle, whom it is for and its object (or, for a pronoun object, where: 'sit you at the bar'),
    in at most MAX_SAID_WORDS words: a customer says back the gist ('box it up'), not the trainee's whole clause."""
    kept = [verb]
    obj = None
    for child in verb.children:
        # "give me" (not "for"); "sort u an overnite kit": 'u' is whom it is for
        if child.dep_ == "prt" or (child.dep_ == "dative" and child.pos_ == "PRON") or (child.dep_ == "dobj" and obj is None and _whom(child)):
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
        kept += _object_words(obj, kept, changes)
    place_dropped = False
    if obj is None or obj.pos_ == "PRON":
        place = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i), None)
        target = next((c for c in place.children if c.dep_ == "pobj"), None) if place is not None else None
        if place is not None and target is not None:
            where = _within([place, *[c for c in target.lefts if c.dep_ in _OBJECT_WORDS], target], kept, changes)
            kept += where
            place_dropped = not where
    purpose = next((c for c in verb.children if c.dep_ in {"xcomp", "advcl"} and c.i > verb.i and _bare_purpose(c)), None)
    if purpose is not None:  # "pack it to take away": the purpose belongs to the offer
        aim = [c for c in purpose.subtree if c.i == purpose.i or (c.head.i == purpose.i and c.dep_ in {"aux", "prt", "advmod"})]
        whom = any(t.dep_ == "dative" or _whom(t) for t in kept)  # "give me it" is no English: the object stays
        if not _within(aim, kept, changes) and obj is not None and obj.pos_ in {"NOUN", "PROPN"} and not whom:
            # "pack the wrap to take away" is said back "pack it to take away": the purpose is the offer, the wrap is
            # known; where even then it does not fit ("get you a free dessert to make up for it"), the object stays
            bare = [t for t in kept if t.i == obj.i or t not in obj.subtree]
            if _within(aim, bare, {**changes, obj.i: "it"}):
                kept, changes = bare, {**changes, obj.i: "it"}
        kept += _within(aim, kept, changes)
    if len(kept) == 1 or (place_dropped and len(kept) == 2 and obj is not None and obj.lower_ in _THINGS):
        return ""  # a bare verb ("I'll check"), or "put it" without where, says back nothing to hold on to
    unique = {t.i: t for t in kept}
    order = sorted(unique)
    changes = {**changes, **_articles(order, unique, changes)}
    # each word with its own spacing where the next word follows it ("£150"), one space across a gap
    return "".join(changes.get(i, spelled_out(unique[i])) + (unique[i].whitespace_ if nxt == i + 1 else " ")
                   for i, nxt in zip(order, [*order[1:], -1], strict=True)).strip()


def _object_words(obj: Any, kept: list[Any], changes: dict[int, str]) -> list[Any]:
    """The object and the modifiers nearest it that fit in MAX_SAID_WORDS ('a voucher' of 'a voucher for a free
    meal'); a written word the parser cut in two ('£150', '50gb') is kept whole or not at all."""
    modifiers = [c for c in obj.lefts if c.dep_ in _OBJECT_WORDS]
    first = next((m for m in modifiers if m.pos_ in {"NOUN", "PROPN"} and any(c.dep_ == "cc" for c in m.children)), None)
    if first is not None:  # "a refund or store credit", parsed as one credit: the first option is "a refund"
        det = [c for c in modifiers if c.dep_ in {"det", "poss"} and c.i < first.i][:1]
        obj, modifiers = first, [*det, *[c for c in first.lefts if c.dep_ in _OBJECT_WORDS]]
    chosen = [*[c for c in modifiers if c.dep_ in {"det", "poss"}][:1], obj]  # "the", "my": without it, no English
    for modifier in reversed([c for c in modifiers if c not in chosen]):
        unit = list(modifier.subtree)  # "50" of "50 GB free data" goes with "GB"
        while unit[0].i > 0 and not obj.doc[unit[0].i - 1].whitespace_ and obj.doc[unit[0].i - 1] in obj.subtree:
            unit.insert(0, obj.doc[unit[0].i - 1])  # "£" of "£150"
        trial = sorted({t.i: t for t in [*unit, *chosen]}.values(), key=lambda t: t.i)
        if _count([*kept, *trial], changes) > MAX_SAID_WORDS or len(trial) > MAX_OBJECT_WORDS:
            break
        chosen = trial
    while len(chosen) > 1 and chosen[0].i > 0 and _left_behind(obj.doc[chosen[0].i - 1], chosen, modifiers):
        chosen = chosen[1:]  # half of "50gb" or "50 GB" said back reads as nonsense ("add gb free data")
    return chosen


def _articles(order: list[int], kept: dict[int, Any], changes: dict[int, str]) -> dict[int, str]:
    """'a' or 'an' as the word now after it needs ('an early delivery slot' said back as 'a delivery slot')."""
    out = {}
    for i, nxt in itertools.pairwise(order):
        if kept[i].lower_ in {"a", "an"} and kept[i].dep_ == "det" and nxt != i + 1:
            article = "an" if changes.get(nxt, spelled_out(kept[nxt]))[:1].lower() in "aeiou" else "a"
            out[i] = article.capitalize() if kept[i].text[0].isupper() else article
    return out


def _left_behind(before: Any, chosen: list[Any], modifiers: list[Any]) -> bool:
    """A word left out that the first word kept belongs with: glued to it ('50gb') or the number it follows ('50 GB')."""
    if before in chosen or (before not in modifiers and before.whitespace_):
        return False
    return not before.whitespace_ or before.pos_ == "NUM"


def _whom(token: Any) -> bool:
    """A person pronoun as the first of two objects ('get u a table'): whom the offer is for, not what it is."""
    return token.pos_ == "PRON" and token.lower_ not in _THINGS and any(
        c.dep_ in {"dobj", "oprd"} and c.pos_ == "NOUN" and c.i > token.i for c in token.head.children)


def _count(tokens: list[Any], changes: dict[int, str]) -> int:
    """The trainee's written words among tokens: a swapped pronoun (or an 'it' put for a noun) is the customer's own, '£150' is one word."""
    at = {t.i for t in tokens}
    return sum(1 for t in tokens if t.i not in changes and not (t.i - 1 in at and not t.doc[t.i - 1].whitespace_))


def _within(words: list[Any], kept: list[Any], changes: dict[int, str]) -> list[Any]:
    """A phrase's words, kept whole only if, with what is kept, they fit in MAX_SAID_WORDS."""
    return words if _count([*kept, *words], changes) <= MAX_SAID_WORDS else []


def _bare_purpose(verb: Any) -> bool:
    """'to take away': an infinitive of purpose with no object of its own ('so you can eat' is no purpose said back)."""
    kids = list(verb.children)
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in kids) and not any(c.dep_ in {"dobj", "nsubj"} for c in kids)
