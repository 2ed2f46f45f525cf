"""The one registry of the customer's reactions: what each means, whether a scenario must (or may) give lines for
it, the placeholders its lines may use, the engine's own lines for when a scenario's are used up, and where it
comes in a reply. A new reaction touches this file (and the engine that says it), nothing else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reaction:
    """One way the customer can react, and how it is said."""

    name: str
    #: what it is, for scenario authors and the loader's messages.
    means: str
    #: "required": every scenario gives lines; "optional": a scenario may; "engine": only the engine's own lines.
    lines: str = "required"
    #: the placeholders its lines may use ({address_as}, {name} and {fact:<id>} always may).
    placeholders: frozenset[str] = frozenset()
    #: what any customer says when a scenario's own lines are used up (or, for "engine", always).
    fallback: tuple[str, ...] = ()
    #: an acknowledgement (a yes, a thanks): one reply says one, the most telling (the lowest rank), not a stack.
    acknowledgement_rank: int | None = None


def _r(name: str, means: str, lines: str = "required", placeholders: tuple[str, ...] = (), fallback: tuple[str, ...] = (),
       acknowledgement_rank: int | None = None) -> Reaction:
    return Reaction(name, means, lines, frozenset(placeholders), fallback, acknowledgement_rank)


#: Every reaction, in the order a reply says them.
REACTIONS: dict[str, Reaction] = {r.name: r for r in (
    _r("opening", "the customer's first words, before the trainee has said anything"),
    _r("opening_impatient", "the first words of an impatient customer (else `opening`)", "optional"),
    _r("opening_angry", "the first words of an angry customer (else `opening`): no apology for interrupting", "optional"),
    _r("walk_out", "leaves angry, unresolved"),
    _r("kept_waiting", "the trainee took longer to answer than this customer's patience allows", "optional",
       fallback=("Hello? I've been waiting for you to say something.", "Are you still there? I'm waiting.",
                 "I'm still waiting for an answer, you know.")),
    _r("dismissed", "the trainee was rude, blaming or passed the buck",
       fallback=("I don't appreciate that.", "That's not helpful.")),
    _r("explain", "after a greeting: the customer explains the problem ({volunteered})", placeholders=("volunteered",)),
    _r("explain_angry", "how an angry customer explains the problem (else `explain`): no thanks for stopping",
       "optional", placeholders=("volunteered",)),
    _r("no_greeting", "when the trainee skipped the greeting: annoyed, then explains ({volunteered})",
       placeholders=("volunteered",)),
    _r("feeling_heard", "the trainee restated their feeling; the customer softens",
       fallback=("That's exactly how it feels.",), acknowledgement_rank=4),
    _r("fact_confirmed", "the trainee restated the facts; the customer confirms", fallback=("That's it, yes.",),
       acknowledgement_rank=5),
    _r("reveal", "answers an open question with a fact they had kept back ({fact})", placeholders=("fact",),
       fallback=("And, well, {fact}.", "Also, {fact}.")),
    _r("already_told", "asked for a fact they have already given, they say it again ({fact})", "optional",
       placeholders=("fact",), fallback=("As I said, {fact}.", "I did say - {fact}.", "Like I told you, {fact}.")),
    _r("nothing_to_add", "an open question when every fact is already told",
       fallback=("I've said all I can, really.", "That's about it.")),
    _r("dont_know", "asked for something none of their facts answers: an honest 'I don't know', committing to nothing",
       fallback=("I'm not sure, sorry.", "I don't know, to be honest.")),
    _r("overpromised", "the trainee promised something unrealistic ({promise})", placeholders=("promise",)),
    _r("option_heard", "reacts to the option the trainee offered ({offer})", placeholders=("offer",),
       fallback=("Okay: {offer}. Noted.",)),
    _r("listening", "fills a reply that says nothing else", "engine", fallback=("Okay, go on.", "Right. I'm listening.", "Okay.")),
    _r("expectation_heard", "reacts to the time or outcome the trainee set ({expectation})", placeholders=("expectation",),
       fallback=("{expectation}, then. Fine.",)),
    _r("wait_too_long", "told of a first wait longer than their level's longest_wait_minutes: pushes back once ({expectation})",
       "optional", placeholders=("expectation",),
       fallback=("{expectation}? That's far too long - I've waited long enough already.",
                 "No. That's too long - I've already waited ages.")),
    _r("accept", "agrees to the plan ({plan})", placeholders=("plan",)),
    _r("accept_plain", "agrees to a plan too long to name", "engine",
       fallback=("Okay, let's do that.", "Alright, that works for me.", "Fine - go ahead with that.")),
    _r("call_me", "said once, on agreeing to the plan: the customer invites first-name terms", "optional"),
    _r("not_yet", "not ready to agree yet ({reason})", placeholders=("reason",), fallback=("Wait. {reason}.",)),
    _r("stalled", "the trainee said nothing useful; the customer gets impatient",
       fallback=("Hello? I'm still here.", "Is anything actually happening?", "I'm losing patience here.")),
    _r("prompt_for_help", "the customer has told everything and asks what will be done"),
    _r("satisfied", "answers the satisfaction check", acknowledgement_rank=1),
    _r("followed_up", "reacts to the promise of a follow-up ({follow_up})", placeholders=("follow_up",), acknowledgement_rank=2),
    _r("thanked", "reacts to being thanked", acknowledgement_rank=6),
    _r("thanked_angry", "how a customer who was angry reacts to being thanked (else `thanked`): may own up to it",
       "optional"),
    _r("bridged", "answers 'anything else?'", acknowledgement_rank=3),
    _r("goodbye", "leaves, satisfied"),
)}
_LINES = ("required", "optional", "engine")
assert all(r.lines in _LINES for r in REACTIONS.values()), "a reaction's lines are required, optional or the engine's"


def authored(lines: str) -> tuple[Reaction, ...]:
    """The reactions whose lines a scenario must ("required") or may ("optional") give."""
    return tuple(r for r in REACTIONS.values() if r.lines == lines)


def acknowledgements() -> tuple[str, ...]:
    """The acknowledging reactions, the most telling first."""
    ranked = [r for r in REACTIONS.values() if r.acknowledgement_rank is not None]
    return tuple(r.name for r in sorted(ranked, key=lambda r: r.acknowledgement_rank or 0))
