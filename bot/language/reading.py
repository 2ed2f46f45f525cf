"""What one parse says, step by step: clauses with their modality, times and amounts, feelings and whose they are.

Each function reads a spaCy Doc or Span (parsed once by :func:`bot.language.understand`) and returns
plain typed records; none of them parses again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.language.parse import checking_verbs, matchers, promise_verbs

#: who a pronoun or a noun phrase is, seen from the one speaking.
SPEAKER_WORDS = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
LISTENER_WORDS = frozenset({"you", "u", "ya", "ye", "your", "ur", "yours", "yourself", "yourselves"})
SITUATION_WORDS = frozenset({"it", "that", "this", "which", "what", "there", "everything", "all", "things"})
MODALS = frozenset({"can", "could", "will", "would", "shall", "should", "must", "may", "might"})
#: the heads that take an infinitive and mean ability, willingness or plan: "able to", "happy to", "going to".
_MODAL_HEADS = {"able": "able to", "happy": "happy to", "glad": "happy to", "going": "going to", "go": "going to",
                "have": "have to", "need": "need to", "want": "want to", "try": "try to", "gon": "going to"}
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "xcomp", "relcl", "acl", "parataxis", "pcomp"})
#: verbs whose object feels it: "it annoyed me", "you ignored me", "this has upset you".
_EXPERIENCER_OBJECT = frozenset({"annoy", "frustrate", "upset", "worry", "disappoint", "confuse", "embarrass", "irritate",
                                 "anger", "infuriate", "stress", "scare", "exhaust", "overwhelm", "ignore", "betray",
                                 "mislead", "cheat", "humiliate", "let", "rush", "pressure", "sadden", "shock", "drain"})


def person_of(token: Any) -> str:
    """'speaker', 'listener', 'situation' or 'other' for a pronoun or the head of a noun phrase."""
    lower = token.lower_
    if lower in SPEAKER_WORDS:
        return "speaker"
    if lower in LISTENER_WORDS:
        return "listener"
    if lower in SITUATION_WORDS:
        return "situation"
    return "other"


@dataclass(frozen=True)
class Clause:
    """One verb with its subject: who does it, with what modality, negated or not ("I can't…", "I'll…", "we could…")."""

    verb: str
    subject: str
    person: str
    modal: str
    negated: bool
    tense: str
    imperative: bool
    start: int
    end: int

    @property
    def checks(self) -> bool:
        """The speaker commits only to finding out: "I'll see if…", "let me check", "I'll look into it"."""
        return self.person == "speaker" and not self.negated and self.verb in checking_verbs()

    @property
    def commits(self) -> bool:
        """The speaker says what they can or will do (not what they can't): "I'll refund it", "we could send one"."""
        return self.person == "speaker" and not self.negated and (
            self.modal in {"can", "could", "will", "would", "shall", "able to", "happy to", "going to"})

    @property
    def refuses(self) -> bool:
        """The speaker says what they cannot or will not do: "I can't refund it", "we don't do cash refunds"."""
        return self.person == "speaker" and self.negated and self.modal not in {"should", "must", "have to", "need to"}


def _subject(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS:
            return child
    if verb.dep_ in {"xcomp", "conj", "acomp"} and verb.head is not verb:
        return _subject(verb.head)  # "I'm able to refund", "I'll refund it and send a new one"
    return None


def _modal(verb: Any) -> str:
    for child in verb.children:
        if child.dep_ == "aux" and (child.tag_ == "MD" or child.lemma_.lower() in MODALS):
            lemma = child.lemma_.lower()
            return {"ca": "can", "wo": "will", "'ll": "will", "ll": "will", "'d": "would", "sha": "shall"}.get(lemma, lemma)
    if verb.dep_ == "xcomp" and verb.head is not verb:
        head = verb.head
        named = _MODAL_HEADS.get(head.lemma_.lower()) or _MODAL_HEADS.get(head.lower_)
        if named:
            return named
        if head.dep_ == "acomp" or head.lemma_.lower() == "be":
            return _modal(head)
    if verb.lemma_.lower() in {"able", "happy", "glad"}:
        return _MODAL_HEADS[verb.lemma_.lower()]
    return ""


def _negated(verb: Any) -> bool:
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head is not verb and any(c.dep_ == "neg" for c in verb.head.children)


def _tense(verb: Any, modal: str) -> str:
    if modal in {"will", "shall", "going to"}:
        return "future"
    if modal in {"would", "could", "might"}:
        return "conditional"
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    return "present"


def clauses(span: Any) -> tuple[Clause, ...]:
    """Every clause of a span: its verb, subject, modality and negation."""
    out: list[Clause] = []
    for token in span:
        if token.pos_ not in {"VERB", "AUX", "ADJ"} or token.dep_ not in _CLAUSE_DEPS:
            continue
        if token.pos_ == "ADJ" and token.lemma_.lower() not in {"able", "happy", "glad"}:
            continue
        subject = _subject(token)
        modal = _modal(token)
        first = min([token.i, *[c.i for c in token.children if c.dep_ in {"aux", "neg", "nsubj", "nsubjpass"}]])
        imperative = subject is None and token.tag_ == "VB" and token.i == _clause_start(span, token)
        person = person_of(subject) if subject is not None else ("listener" if imperative else "")
        if subject is not None and subject.lower_ == "let's":
            person = "speaker"
        out.append(Clause(token.lemma_.lower(), subject.lower_ if subject is not None else "", person, modal, _negated(token),
                          _tense(token, modal), imperative, span.doc[first].idx, token.idx + len(token)))
    return tuple(out)


def _clause_start(span: Any, token: Any) -> int:
    """The first word of the clause a verb heads, past fillers and punctuation ("Please, send…", "So send…")."""
    left = token.left_edge.i
    while left < token.i and (span.doc[left].is_punct or span.doc[left].lower_ in {"please", "so", "ok", "okay", "just", "then", "and"}):
        left += 1
    return left


@dataclass(frozen=True)
class Mention:
    """A time, a date or an amount, from spaCy's entities or the patterns in data/language/times.yml."""

    kind: str
    text: str
    start: int
    end: int
    source: str
    #: a time that says no when ("soon", "in a bit"): no concrete expectation rests on it.
    vague: bool = False


_ENTITY_KINDS = {"DATE": "time", "TIME": "time", "MONEY": "amount", "QUANTITY": "amount", "PERCENT": "amount",
                 "CARDINAL": "amount"}


def mentions(doc: Any) -> tuple[Mention, ...]:
    """Times and amounts in a doc: spaCy's entities, then the patterns, the longest span kept; an amount over a time wins."""
    found: list[Mention] = [Mention(_ENTITY_KINDS[e.label_], e.text, e.start_char, e.end_char, "entity")
                            for e in doc.ents if e.label_ in _ENTITY_KINDS]
    found += pattern_mentions(doc)
    amounts = [m for m in found if m.kind == "amount" and m.source == "pattern"]
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if mention.kind == "time" and any(a.start < mention.end and mention.start < a.end for a in amounts):
            continue  # "in 10 pounds" is an amount
        if any(k.kind == mention.kind and k.start <= mention.start and mention.end <= k.end for k in kept):
            continue
        kept.append(mention)
    return tuple(_joined(doc.text, [_judged_vague(m, found) for m in kept]))


def _judged_vague(mention: Mention, found: list[Mention]) -> Mention:
    """A time is vague when a vague pattern covers part of it and no pattern that says when does: "in a moment",
    "as soon as possible", "when I get a minute"; not "later today" or "soon, by Friday"."""
    if mention.kind != "time":
        return mention
    touching = [m for m in found if m.source == "pattern" and m.kind == "time" and m.start < mention.end and mention.start < m.end]
    loose = [m for m in touching if m.vague]
    # a unit inside a vague phrase says no when ("minute" of "when I get a minute")
    concrete = [m for m in touching if not m.vague and not any(v.start <= m.start and m.end <= v.end for v in loose)]
    vague = bool(loose) and not concrete
    return replace(mention, vague=vague)


def _joined(text: str, found: list[Mention]) -> list[Mention]:
    """Times side by side read as one: "tomorrow afternoon", "Thursday at 10"."""
    out: list[Mention] = [m for m in found if m.kind != "time"]
    times: list[Mention] = []
    for mention in (m for m in found if m.kind == "time"):
        last = times[-1] if times else None
        if last and last.kind == mention.kind == "time" and (mention.start <= last.end or not text[last.end : mention.start].strip()):
            times[-1] = Mention("time", text[last.start : max(last.end, mention.end)], last.start, max(last.end, mention.end),
                                last.source if last.source == mention.source else "entity+pattern", last.vague and mention.vague)
        else:
            times.append(mention)
    return sorted(out + times, key=lambda m: m.start)


def pattern_mentions(doc: Any) -> list[Mention]:
    """Times and amounts from the patterns alone: works on a tokenised text without a parse."""
    matcher = matchers().times
    vocab = doc.vocab.strings
    out = []
    for match_id, start, end in matcher(doc):
        span, kind = doc[start:end], vocab[match_id]
        out.append(Mention("time" if kind == "vague" else kind, span.text, span.start_char, span.end_char, "pattern",
                           vague=kind == "vague"))
    return out


@dataclass(frozen=True)
class Feeling:
    """A feeling named or shown, and whose it is: the speaker's, the listener's, a third party's, or the situation's
    ("That must be frustrating", "How annoying")."""

    family: str
    word: str
    whose: str
    polarity: str
    negated: bool
    start: int
    end: int


def feelings(doc: Any) -> tuple[Feeling, ...]:
    """The feelings in a doc, from the lexicon in data/language/feelings.yml (whole tokens, lemmas or exact forms)."""
    found = matchers()
    lexicon = found.lexicon
    hits: dict[tuple[int, int, str], Feeling] = {}
    for matcher in (found.lower, found.lemma):
        for match_id, start, end in matcher(doc):
            entry = lexicon.entries[int(doc.vocab.strings[match_id].split(":")[1])]
            head = doc[start]
            if entry.pos and head.pos_ not in entry.pos and head.dep_ not in entry.dep:
                continue
            if entry.not_dep and head.dep_ in entry.not_dep:
                continue
            if entry.exact and doc[start:end].text.lower() != entry.words:
                continue
            key = (start, end, entry.family)
            if key not in hits:
                span = doc[start:end]
                hits[key] = Feeling(entry.family, span.text, _whose(span), lexicon.polarity[entry.family], _feeling_negated(span),
                                    span.start_char, span.end_char)
    return tuple(sorted(hits.values(), key=lambda f: (f.start, f.family)))


def _feeling_negated(span: Any) -> bool:
    token = span.root
    return any(any(c.dep_ == "neg" for c in step.children) for step in (token, token.head))


def _echoes(sent: Any) -> bool:
    """'I'd be furious too', 'Livid is exactly how I'd feel too': the speaker says they would feel the same, which
    names the listener's feeling, not their own."""
    for token in sent:
        if token.dep_ not in _SUBJECT_DEPS or person_of(token) != "speaker":
            continue
        verb = token.head
        children = list(verb.children)
        would = any(c.lemma_.lower() in {"would", "'d"} and c.dep_ == "aux" for c in children)
        too = any(c.lower_ in {"too", "also", "either"} for c in children) or "as well" in sent.text.lower()
        if would and (too or any(c.dep_ == "advcl" for c in children)):
            return True
    return False


def _whose(span: Any) -> str:
    token = span.root
    for child in token.children:
        if child.dep_ == "poss":
            return person_of(child)  # "your frustration"
    if (token.lemma_.lower() in _EXPERIENCER_OBJECT and token.pos_ == "VERB" and token.tag_ != "VBN") or span[-1].dep_ == "prep":
        felt_by = _object(span)
        if felt_by is not None:
            return person_of(felt_by)  # "it annoyed me", "you ignored me", "you've forgotten about me"
    holder = _holder(token)
    whose = person_of(holder) if holder is not None else "situation"
    if whose in {"speaker", "situation"} and _echoes(token.sent):
        return "listener"
    return whose


def _object(span: Any) -> Any | None:
    """The object of a feeling verb, or of the preposition that ends a feeling phrase ("forgotten about me")."""
    last = span[-1]
    if last.dep_ == "prep":
        return next((c for c in last.children if c.dep_ == "pobj"), None)
    return next((c for c in span.root.children if c.dep_ in {"dobj", "obj"}), None)


def _holder(token: Any) -> Any | None:
    """The subject a feeling word is said of: 'you're frustrated', 'you must be so fed up', 'I was ignored'."""
    current = token
    for _ in range(4):
        for child in current.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                return child
            if child.dep_ in {"aux", "auxpass"}:  # "you're stressed" parsed with "you" under "'re"
                subject = next((g for g in child.children if g.dep_ in {"nsubj", "nsubjpass"}), None)
                if subject is not None:
                    return subject
        if current.pos_ == "NOUN" and current.dep_ in {"dobj", "pobj", "nsubj"}:
            return None  # "I understand the frustration": the noun is what is said, not who feels it
        if current.dep_ in {"acomp", "attr", "xcomp", "advmod", "conj", "oprd", "amod", "prt", "pobj", "prep", "ccomp"} and current.head is not current:
            current = current.head
            continue
        break
    return None


def declined_promises(span: Any) -> frozenset[int]:
    """The promise verbs a sentence declines ("I can't guarantee…", "I don't want to promise…", "rather be honest
    than promise…"), as token indices in its doc: the words left are what it promises."""
    return frozenset(t.i for t in span if t.lemma_.lower() in promise_verbs() and t.pos_ == "VERB" and _declined(t))


def _declined(verb: Any) -> bool:
    """The verb is negated, contrasted ('than promise') or the complement of a negated verb ('don't want to')."""
    if any(c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ == "than") for c in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.i != verb.i and any(c.dep_ == "neg" for c in head.children)
