"""Small, pure text helpers shared by the scenario engine and the scoring."""

from __future__ import annotations

import re

_SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "we're": "you're",
    "we'll": "you'll", "we've": "you've", "we'd": "you'd",
    "your": "my", "yours": "mine", "yourself": "myself", "you're": "I'm",
    "you've": "I've", "you'll": "I'll", "you'd": "I'd",
}
#: "you" and "your" as typed in chat.
_CHAT_YOU = {"u": "you", "ur": "your", "ya": "you"}
#: "I'll", "I'm", "I've" typed without the apostrophe, said from the other side.
_CHAT_I = {"ill": "you'll", "im": "you're", "ive": "you've"}
#: "ill" is "I'll" only before a verb ("ill call you"), not "ill with flu".
_AFTER_ILL = {"call", "ring", "phone", "email", "text", "message", "send", "check", "get", "be", "let", "make", "have", "sort",
              "look", "find", "give", "put", "book", "arrange", "refund", "pop", "see", "try", "ask", "do", "just", "also"}
_CLAUSE_START = {"and", "so", "if", "that", "when", "because", "but", "then", "as"}
_SUBJECT_NEXT = {
    "are", "were", "can", "could", "will", "would", "should", "have", "had", "did", "do",
    "want", "need", "said", "told", "ordered", "paid", "feel", "felt", "must", "might", "may",
    "got", "get", "bought", "called", "came", "went", "waited", "saw", "think", "mean",
    "gave", "made", "sent", "took", "promised", "gotta", "just", "still", "already", "really",
}
_LEADING_MODAL = re.compile(
    r"^\s*(?:(?:so|ok|okay|well|right|alright)[,\s]+)*"
    r"(?:i|we)\s*(?:can|could|will|would|'ll|’ll|am going to|are going to|'m going to|’m going to|'d be happy to|would be happy to|'m happy to|am happy to|can also)\s+",
    re.IGNORECASE,
)
_LETS = re.compile(r"^\s*(?:let me|let us|let's)\s+", re.IGNORECASE)
#: a frame before the offer itself: "OK, here's what I can do: …", "What we can do is …".
_OFFER_FRAME = re.compile(
    r"^\s*(?:(?:so|ok|okay|well|right|alright)[,\s]+)*(?:here'?s what (?:i|we) can do|what (?:i|we) can do is|"
    r"the (?:best )?(?:thing|option) (?:i|we) can do is)\s*[:,\-–—]?\s*",
    re.IGNORECASE,
)
#: the offer inside a longer sentence, after a comma or "but/so/and": "…, but I can send you a dongle today".
_OFFER_INSIDE = re.compile(
    r"(?:[,;:\-–—]\s*|\s(?:but|so|and|though)\s+)(?P<offer>(?:i|we)\s*(?:can|could|will|'ll|’ll|am able to|'m able to)\s)",
    re.IGNORECASE,
)
#: a time or a date in what someone says ("in 10 mins", "by 3", "tomorrow"); a bare number is not one ("around 60").
TIME_WORDS = re.compile(r"\b((?:at|by|in|within|until|till|before|after|from) \d+(?!\s*(?:pounds?|quid|dollars?|euros?|%|percent|items?|times?))|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|today|tonight|tomorrow|morning|afternoon|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday|business days?|working days?|end of (the )?day|next week|shortly|soon|asap|o'clock|[ap]\.?m\.?)\b", re.I)
#: a condition the customer need not repeat: "… to your hotel tonight if it's on the next flight".
_CONDITION = re.compile(r"\s+(?:if|as long as|provided|once|unless)\s+.*$", re.IGNORECASE)


def swap_person(text: str) -> str:
    """Say a sentence from the other side: 'I'll refund your coffee' -> 'you'll refund my coffee'."""
    tokens = re.split(r"([A-Za-z]+(?:['’][A-Za-z]+)?)", text)
    words = [i for i in range(1, len(tokens), 2)]
    out = list(tokens)
    for n, i in enumerate(words):
        word = tokens[i]
        key = word.lower().replace("’", "'")
        prev = tokens[words[n - 1]].lower() if n else ""
        nxt = tokens[words[n + 1]].lower() if n + 1 < len(words) else ""
        key = _CHAT_YOU.get(key, key)  # "u", "ur": "I'll email u the tracking number"
        if key in _CHAT_I and (key != "ill" or nxt in _AFTER_ILL):
            repl = _CHAT_I[key]  # typed without the apostrophe: "ill call you tomorrow", "im sorry"
        elif key == "you":
            subject = n == 0 or prev in _CLAUSE_START or nxt in _SUBJECT_NEXT or nxt.endswith("ed")
            repl = "I" if subject else "me"
        elif key in ("are", "were") and prev == "you":
            repl = "am" if key == "are" else "was"
        elif key in ("am", "was") and prev == "i":
            repl = "are" if key == "am" else "were"
        elif key in _SWAP:
            repl = _SWAP[key]
        else:
            continue
        sentence_start = n == 0 or tokens[i - 1].rstrip().endswith((".", "!", "?"))
        if repl.startswith("I") and (repl == "I" or repl[1:2] == "'"):
            pass
        elif sentence_start and word[0].isupper():
            repl = repl[0].upper() + repl[1:]
        out[i] = repl
    return "".join(out)


def as_customer_clause(trainee_span: str) -> str:
    """Turn the trainee's offer into what the customer would repeat: 'I can remake your coffee' -> 'remake my coffee'."""
    span = _OFFER_FRAME.sub("", trainee_span.strip().rstrip(".!?").strip(), count=1)
    inside = _OFFER_INSIDE.search(span)
    if inside and not _LEADING_MODAL.match(span):
        span = span[inside.start("offer") :]  # "the earliest slot is tomorrow, but I can send you a dongle today"
    stripped = _LEADING_MODAL.sub("", span, count=1)
    if stripped == span:
        stripped = _LETS.sub("", span, count=1)
    return swap_person(stripped).strip()


#: words an alternative needs on each side of a bare "or" to be an option of its own ("two or three minutes" is not).
_ALTERNATIVE_WORDS = 4


def alternatives(clause: str) -> list[str]:
    """The options in one offer: 'remake my coffee now, or refund it' -> ['remake my coffee now', 'refund it']."""
    either = re.match(r"^(.*?)\beither\s+(.+?),?\s+or\s+(.+)$", clause, flags=re.IGNORECASE)
    if either:  # "either repair it or swap it": short options are options too; "I could either…" keeps its "I could"
        prefix = either.group(1)
        return [f"{prefix}{either.group(2)}".strip(" ,;"), f"{prefix}{either.group(3)}".strip(" ,;")]
    parts = [p.strip(" ,;") for p in re.split(r"\s*[,;.]\s*(?:or|otherwise|alternatively)[,\s]+", clause, flags=re.IGNORECASE)]
    if len(parts) == 1:
        halves = re.split(r"\s+or\s+", clause, maxsplit=1, flags=re.IGNORECASE)
        if len(halves) == 2 and all(len(h.split()) >= _ALTERNATIVE_WORDS for h in halves):
            parts = [h.strip(" ,;") for h in halves]
    # "…, otherwise you can give me a kit": the trainee's "I can" said back, as the first option had it stripped
    parts = [re.sub(r"^you\s*(?:can|could|will|would|'ll|’ll)\s+(?:also\s+)?", "", p, flags=re.IGNORECASE) for p in parts]
    return [p for p in parts if p] or [clause]


def gist(option: str) -> str:
    """An option as the customer would say it back: without its condition, when enough is left to make sense."""
    cut = _CONDITION.sub("", option)
    return cut if len(cut.split()) >= _ALTERNATIVE_WORDS else option


def first_upper(text: str) -> str:
    """The text with its first letter in upper case."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def mid_sentence(text: str) -> str:
    """Lower-case a quoted span's first letter so it reads inside a sentence ('I' stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith(("I ", "I'", "I’")):
        return text[0].lower() + text[1:]
    return text


def sentence_case(text: str) -> str:
    """Capitalise the first letter of every sentence."""
    text = first_upper(text)
    return re.sub(r"([.!?]\s+[\"“']?)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
