"""The customer's voice from a language model (optional): an OpenAI-compatible server phrases the reply the engine planned.

The engine (bot.scenarios, pure code) decides everything: what the customer reveals, their mood, whether they accept.
This module only asks a model to say that plan in the customer's own words, with the persona and the conversation as
context. It returns None - and the caller keeps the scripted reply - when CUSTOMER_VOICE_URL is unset, the server is
slow (over CUSTOMER_VOICE_TIMEOUT seconds) or failing, or the text it sends back is empty, too long or drops a fact
the plan reveals. Scoring never reads what it says.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import httpx

from bot.language.text import long_words, words
from bot.settings import Settings

log = logging.getLogger(__name__)

#: The longest phrased reply kept; a longer one is a model rambling, and the scripted reply is used.
MAX_REPLY_CHARS = 600
MAX_TOKENS = 120
TEMPERATURE = 0.7
#: How many turns of the conversation the model sees.
CONTEXT_TURNS = 8
#: Words this long (or with a digit) in a revealed fact must still be in the phrasing.
KEY_WORD_LETTERS = 5
#: Calls in flight at once; more wait their turn within the same deadline (and fall back when it passes).
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="customer-voice")

#: What the customer decides in this reply, by the engine's reactions (the first that applies).
DECISIONS: tuple[tuple[str, str], ...] = (
    ("walk_out", "You give up and leave, angry and unresolved."),
    ("goodbye", "You are done and leave, satisfied."),
    ("accept", "You accept the plan the staff member offered."),
    ("not_yet", "You do NOT agree yet, for the reason in the planned reply."),
)
NO_DECISION = "You neither accept nor refuse anything yet."


class VoiceUnavailable(Exception):
    """The server did not give a usable reply (the message says why, without the request)."""


@dataclass(frozen=True)
class VoiceRequest:
    """Everything the model is told: who the customer is, what the engine planned, and the conversation so far."""

    persona_name: str
    persona_description: str
    situation: str
    difficulty: str
    mood: str
    planned: str
    reactions: tuple[str, ...]
    #: the facts this reply reveals, as the scenario words them
    revealed: tuple[str, ...]
    #: the last turns, oldest first, as (speaker, text) with speaker "customer" or "trainee"
    conversation: tuple[tuple[str, str], ...] = ()


def decision(reactions: Sequence[str]) -> str:
    """The decision the planned reply carries, in words for the model."""
    return next((said for reaction, said in DECISIONS if reaction in reactions), NO_DECISION)


def system_prompt(request: VoiceRequest) -> str:
    """Who the model is playing and the rules of the part."""
    return (
        f"You are {request.persona_name}, a customer. {request.persona_description}\n"
        f"Your situation: {request.situation}\n"
        f"You are talking to a member of staff who is being trained. Your mood right now: {request.mood} "
        f"(difficulty: {request.difficulty}).\n"
        "Say the planned reply you are given in your own words, as one natural thing a customer would say. Rules:\n"
        "- Reveal exactly the facts given, keeping their key words (names, numbers, things), and nothing else from "
        "your situation.\n"
        f"- Keep the decision as planned: {decision(request.reactions)}\n"
        "- Never repeat the staff member's sentence back to them.\n"
        "- No stage directions, no quotation marks, no name labels: only the words you say.\n"
        "- One to three sentences."
    )


def user_prompt(request: VoiceRequest) -> str:
    """The conversation so far, then the plan to phrase."""
    lines = [f"{'You' if speaker == 'customer' else 'Staff member'}: {text}"
             for speaker, text in request.conversation[-CONTEXT_TURNS:]]
    facts = "\n".join(f"- {fact}" for fact in request.revealed) or "- none (reveal nothing new)"
    return ("The conversation so far:\n" + ("\n".join(lines) or "(nothing yet)")
            + f"\n\nYour planned reply: {request.planned}\nFacts to reveal in it:\n{facts}\n\n"
            "Now say your reply, and only that.")


def _must_keep(fact: str) -> set[str]:
    """The words of a fact the phrasing must keep: its longer words (bot.language.text.long_words) and numbers."""
    return long_words(fact) | {w for w in words(fact) if any(ch.isdigit() for ch in w)}


def keeps_facts(text: str, revealed: Sequence[str]) -> bool:
    """True if every revealed fact's key words are still in the phrasing (a word counts by its first five letters:
    'ordered' is kept by 'order', 'minutes' by 'minute')."""
    said = words(text)
    stems = {w[:KEY_WORD_LETTERS] for w in said} | said
    return all(w[:KEY_WORD_LETTERS] in stems or w in stems for fact in revealed for w in _must_keep(fact))


def phrase(request: VoiceRequest, settings: Settings) -> str | None:
    """The planned reply in the model's words, or None to keep the scripted one (unset, slow, failing or unusable)."""
    if not settings.customer_voice_url:
        return None
    budget = max(0.05, settings.customer_voice_timeout)
    try:
        text = _POOL.submit(_ask, request, settings, budget).result(timeout=budget)
        return usable(text, request)
    except (FutureTimeout, httpx.TimeoutException):
        reason = f"no answer within {budget:g} s"
    except httpx.HTTPStatusError as exc:
        reason = f"HTTP {exc.response.status_code}"
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}"
    except VoiceUnavailable as exc:
        reason = str(exc)
    except Exception as exc:  # never let the voice break a turn: the scripted reply is always there
        reason = f"unexpected {type(exc).__name__}"
    log.warning("customer voice not used (%s); the scripted reply was sent", reason)
    return None


def usable(text: str, request: VoiceRequest) -> str:
    """The model's text, tidied, if it can stand for the planned reply; VoiceUnavailable if it cannot."""
    text = " ".join(text.split()).strip().strip('"“”').strip()
    if not text:
        raise VoiceUnavailable("an empty reply")
    if len(text) > MAX_REPLY_CHARS:
        raise VoiceUnavailable(f"a reply of {len(text)} characters")
    if not keeps_facts(text, request.revealed):
        raise VoiceUnavailable("a reply that drops a fact the plan reveals")
    return text


def _ask(request: VoiceRequest, settings: Settings, budget: float) -> str:
    """POST one chat completion and return its text (raises on any failure)."""
    assert settings.customer_voice_url
    headers = {"Authorization": f"Bearer {settings.customer_voice_key}"} if settings.customer_voice_key else {}
    body = {
        "model": settings.customer_voice_model,
        "messages": [{"role": "system", "content": system_prompt(request)},
                     {"role": "user", "content": user_prompt(request)}],
        "temperature": TEMPERATURE,
        "max_tokens": MAX_TOKENS,
    }
    url = settings.customer_voice_url.rstrip("/") + "/chat/completions"
    response = httpx.post(url, json=body, headers=headers, timeout=budget)
    response.raise_for_status()
    return _content(response)


def _content(response: httpx.Response) -> str:
    """The first choice's message text of an OpenAI chat completion."""
    try:
        data: Any = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise VoiceUnavailable("a malformed response") from exc
    if not isinstance(content, str):
        raise VoiceUnavailable("a malformed response")
    return content
