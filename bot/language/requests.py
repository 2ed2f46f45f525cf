"""Questions asked by a request rather than a wh-word: "Can you tell me…", "Could you read me the policy number?",
"Kindly share the PNR", "I wonder what…", "Postcode, please." — what they ask for, read from spaCy's tokens and the
lexicons of data/language/questions.yml."""

from __future__ import annotations

from collections.abc import Sequence

from bot.language.question_words import Token, question_words

WH_WORDS = frozenset({"what", "how", "why", "when", "where", "which", "who", "whom", "whose"})
TELL_VERBS = frozenset({"tell", "describe", "explain", "walk", "talk", "share", "say", "elaborate", "expand", "go", "help"})
REQUEST_VERBS = ("describe", "explain", "elaborate", "expand", "share", "repeat", "tell",
                 "describing", "explaining", "sharing", "repeating", "telling")
_MODALS = frozenset({"can", "could", "may", "would", "will"})
#: the listener and the speaker as subjects, by the words' NORM ("u" and "ya" read as "you": chat_spellings.yml).
_LISTENER = frozenset({"you"})
_SPEAKER = frozenset({"i", "we"})
_WORDS = question_words()


def requested(words: Sequence[Token]) -> str:
    """What a request asks to be given: 'fact' for one of the listener's facts ("Could you read me the policy
    number?", "Can I take the booking reference?", "Kindly share the PNR"), 'thing' for something else to look at
    ("Can you send me a screenshot?"), '' when the words request nothing ("Can I get you a drink?", "Send it back")."""
    lowers = [w.lower_ for w in words[:10]]
    if len(lowers) < 2 or embedded_wh(lowers):
        return ""
    norms = [w.norm_ for w in words[:10]]
    if words[0].lemma_.lower() in _WORDS.prompt_verbs and words[0].tag_ in {"VB", "VBP", "NN", "NNP"}:
        return _what_is_asked(words[0], informational=True)  # "send me ur postcode", "Kindly share the PNR"
    modal = next((i for i, w in enumerate(lowers[:3]) if w in _MODALS), None)
    if modal is None or modal + 1 >= len(lowers):
        return ""
    # "Could you read me…", "Reckon you could send me…": the subject after the modal, or before it
    subject = norms[modal + 1]
    if modal > 0 and norms[modal - 1] in _LISTENER | _SPEAKER:
        subject, modal = norms[modal - 1], modal - 1
    wanted = _WORDS.prompt_verbs if subject in _LISTENER else _WORDS.taking_verbs if subject in _SPEAKER else frozenset()
    for verb in words[modal + 2 : modal + 5]:
        if verb.pos_ in {"VERB", "AUX"} and verb.lemma_.lower() in wanted:
            return _what_is_asked(verb, informational=subject in _LISTENER)
    return ""


def _what_is_asked(verb: Token, informational: bool) -> str:
    """The verb's object decides: a fact noun asks for a fact; a thing to look at, when the listener gives it."""
    children = list(verb.children)
    if any(c.dep_ == "dative" and c.norm_ in _LISTENER for c in children):
        return ""  # "Can I get you a drink?" offers
    objects = [c for c in children if c.dep_ in {"dobj", "attr"} and c.pos_ in {"NOUN", "PROPN", "NUM"}]
    # the object with the nouns that modify it ("ur postcode pls": the parser can take "postcode" for a modifier)
    nouns = {w.lemma_.lower() for obj in objects for w in (obj, *obj.children)
             if w is obj or w.dep_ == "compound" or (w.dep_ == "amod" and w.pos_ == "NOUN")}
    if nouns & _WORDS.fact_nouns:
        return "fact"
    return "thing" if informational and nouns & _WORDS.asked_facts else ""


def fact_fragment(words: Sequence[Token]) -> bool:
    """A question without a verb that names one of the listener's facts: "And your postcode?", "Name for the
    waitlist?", "Name and date of birth?"."""
    content = [w for w in words if not w.is_punct and w.norm_ != "please"]
    if not content or len(content) > 6 or "or" in {w.lower_ for w in content}:
        return False
    if content[0].lemma_.lower() in _WORDS.fragment_facts and not any(w.dep_ in {"nsubj", "nsubjpass"} for w in content):
        return True  # "Name for the waitlist?" (the parser can take "Name" for a verb)
    if any(w.pos_ in {"VERB", "AUX"} for w in content):
        return False
    heads = [w for w in content if w.head.i == w.i or w.head.i not in {c.i for c in content}]
    return any(w.lemma_.lower() in _WORDS.fragment_facts for w in heads) or content[-1].lemma_.lower() in _WORDS.fragment_facts


def embedded_wh(lowers: list[str]) -> bool:
    """A wh-clause inside the question: 'Can I ask you what you like about it?'."""
    return any(w in WH_WORDS for w in lowers[2:-1])


def wonders(lowers: list[str]) -> bool:
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


def cleft_of_interest(lowers: list[str]) -> bool:
    """A wh-cleft that asks by saying what the speaker wants to know, then names it with a wh-clause:
    "What I'd really like to know is how the order got mixed up" (not "What I can do is refund you")."""
    if "is" not in lowers[2:]:
        return False
    copula = lowers.index("is", 2)
    return bool(_WORDS.interest_words & set(lowers[1:copula])) and any(w in WH_WORDS for w in lowers[copula + 1 : copula + 3])


def tell_request(lowers: list[str]) -> bool:
    """'can you tell me', 'could you describe', 'tell me about', 'walk me through', 'can I ask what', 'let me know how'.

    'Did he tell you what to expect?', 'Is it okay if I share that?' and 'Do you know how to take it?' ask whether,
    not for an account; 'Do you have any idea why?' asks for the customer's view.
    """
    window = lowers[:6]
    wh_inside = embedded_wh(lowers)
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
