"""Block Kit for Slack practice sessions: the thread's messages, the scorecard, the picker and the Home tab.

Pure functions from plain data to Slack's JSON (standard library only, so the unit tests run them in
either environment). Slack's limits that matter here: a section's text at most 3000 characters, a
header's 150, a button's label 75 and value 2000, at most 50 blocks in a message and 100 in a view.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypedDict

#: A Block Kit block or view, as Slack's JSON.
Block = dict[str, Any]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LABEL_LIMIT = 75
OPTION_LIMIT = 75
MESSAGE_BLOCKS = 50

PRACTISE_AGAIN = "practise_again"
OPEN_SCORECARD = "open_scorecard"
PICKER = "practice_picker"
PICK_SCENARIO = "scenario"
PICK_DIFFICULTY = "difficulty"

#: The three skills the product exists for, in the order the scorecard shows them.
CORE_SKILLS: tuple[tuple[str, str], ...] = (
    ("open_question", "Open questions"),
    ("restate_feeling", "Restating feelings"),
    ("set_expectation", "Setting expectations"),
)
DIFFICULTIES: tuple[str, ...] = ("patient", "impatient", "angry")


class ScenarioChoice(TypedDict):
    """A scenario as the picker offers it (from the trainer API's scenario list)."""

    id: str
    title: str
    aliases: list[str]
    difficulties: list[str]


class SessionLine(TypedDict, total=False):
    """One recent session on the Home tab."""

    session_id: str
    scenario: str
    title: str
    difficulty: str
    channel: str
    started_at: str
    overall: int | None


class SkillScore(TypedDict):
    """A skill's average share of its points across the trainee's scored sessions."""

    skill: str
    name: str
    share: float


class Assignment(TypedDict, total=False):
    """Practice a coach asked for (filled in by the coach console)."""

    scenario: str
    title: str
    difficulty: str
    due: str | None
    note: str


class TraineeSummary(TypedDict, total=False):
    """What the Home tab shows: `GET /api/trainer/trainees/{trainee}/summary` (see docs/slack.md)."""

    trainee: str
    sessions: list[SessionLine]
    weakest_skill: SkillScore | None
    assignments: list[Assignment]


def escape(text: str) -> str:
    """Text safe inside Slack mrkdwn: &, < and > escaped, as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": clip(text, limit)}


def section(text: str, block_id: str | None = None) -> Block:
    """A section of mrkdwn."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    return block


def live_context(stage: str | None, mood: str | None) -> Block:
    """The small line under the customer's message: where in the cycle they are and how they feel."""
    parts = []
    if stage:
        parts.append(f"Stage: *{escape(stage.capitalize())}*")
    if mood:
        parts.append(f"Mood: *{escape(mood)}*")
    return {"type": "context", "elements": [mrkdwn(" · ".join(parts) or "Practice in progress")]}


def customer_message(text: str, stage: str | None = None, mood: str | None = None, live: bool = False) -> list[Block]:
    """What the customer says, with the live stage and mood under it when known."""
    blocks = [section(f"*Customer:* {escape(text)}")]
    if live and (stage or mood):
        blocks.append(live_context(stage, mood))
    return blocks


#: The commands as typed in Slack, where a message starting with "/" is taken for a slash command.
SLACK_WORDING = {"start": "`/practice`", "restart": "`restart`", "hint": "`hint`", "end": "`end`"}
_COMMAND = re.compile(r"(?<![\w`])/(restart|start|hint|end)\b")


def slack_wording(text: str) -> str:
    """'Send /restart to play it again' as it works in Slack: 'Send `restart` ...'."""
    return _COMMAND.sub(lambda m: SLACK_WORDING[m.group(1)], text)


def coach_message(text: str) -> list[Block]:
    """A line from the trainer: the scenario's intro, a hint, a clear error."""
    icon = ":bulb:" if text.startswith("Hint") else ":clipboard:"
    return [section(f"{icon} {slack_wording(escape(text))}")]


def thread_opening(user_id: str, title: str, difficulty: str) -> str:
    """The message that starts a practice thread (its ts names the conversation)."""
    return (f":performing_arts: <@{user_id}> is practising *{escape(title)}* ({escape(difficulty)}). "
            "The customer speaks in this thread; reply here. Say `hint`, `restart` or `end` at any time.")


def _stage_fields(card: dict[str, Any]) -> list[dict[str, Any]]:
    stages = card.get("stages") or {}
    return [mrkdwn(f"*{escape(str(name).capitalize())}*\n{s.get('score', 0)}/{s.get('max', 0)}", 2000)
            for name, s in list(stages.items())[:10]]


def _skill_section(card: dict[str, Any], skill: str, label: str) -> Block:
    score = (card.get("skills") or {}).get(skill) or {}
    quotes = [e.get("quote") or e.get("text") or "" for e in card.get("evidence") or []
              if e.get("skill") == skill and int(e.get("points") or 0) > 0]
    lines = [f"*{label}*: {score.get('points', 0)}/{score.get('max', 0)}"]
    lines += [f"> {escape(clip(q, 400))}" for q in quotes[:3] if q] or ["_Not shown this time._"]
    return section("\n".join(lines), block_id=f"skill_{skill}")


#: How the scorecard marks each Moment of Truth (bot/scoring/moments.py), in the order it counts them.
MOMENT_MARKS: tuple[tuple[str, str], ...] = (("positive", ":large_green_circle:"), ("negative", ":red_circle:"),
                                             ("redundant", ":white_circle:"))
MOMENT_LINES = 10


def _moments_section(card: dict[str, Any]) -> Block | None:
    """The Moments of Truth as the scorecard data carries them ("moments_of_truth": summary and moments); None for a
    card without them (one stored before they were kept)."""
    part = card.get("moments_of_truth")
    if not isinstance(part, dict) or not isinstance(part.get("summary"), dict):
        return None
    counts, marks = part["summary"], dict(MOMENT_MARKS)
    lines = ["*Moments of Truth:* " + ", ".join(f"{int(counts.get(v) or 0)} {v}" for v, _ in MOMENT_MARKS)]
    moments = [m for m in part.get("moments") or [] if isinstance(m, dict) and m.get("verdict") in marks]
    for m in moments[:MOMENT_LINES]:
        reasons = "; ".join(str(r) for r in m.get("reasons") or [])
        lines.append(f"{marks[m['verdict']]} #{m.get('turn')} “{escape(clip(str(m.get('quote') or ''), 120))}”"
                     + (f" _{escape(clip(reasons, 100))}_" if reasons else ""))
    if len(moments) > MOMENT_LINES:
        lines.append(f"_…and {len(moments) - MOMENT_LINES} more on the full scorecard._")
    return section("\n".join(lines), block_id="moments")


def _nps_text(card: dict[str, Any]) -> str:
    nps = card.get("nps")
    if not nps:
        return "*Would they recommend us?* The customer was not asked (or left first)."
    return f"*Would they recommend us?* {nps.get('score')}/10 ({escape(str(nps.get('category', '')))})"


def practise_again_value(scenario: str, difficulty: str) -> str:
    """The Practise-again button's value: the same scenario and difficulty, as JSON."""
    return json.dumps({"scenario": scenario, "difficulty": difficulty})


def scorecard_blocks(card: dict[str, Any], session_id: str, difficulty: str, web_url: str) -> list[Block]:
    """The scorecard for the thread: overall, stages, the three core skills with evidence, the Moments of Truth,
    suggestion, NPS, buttons."""
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Scorecard: {card.get('overall', 0)}/100", HEADER_LIMIT)},
    ]
    fields = _stage_fields(card)
    if fields:
        blocks.append({"type": "section", "block_id": "stages", "text": mrkdwn("*Per stage*"), "fields": fields})
    blocks.append({"type": "divider"})
    blocks += [_skill_section(card, skill, label) for skill, label in CORE_SKILLS]
    moments = _moments_section(card)
    if moments is not None:
        blocks.append(moments)
    suggestions = card.get("suggestions") or []
    if suggestions:
        blocks.append(section(f"*Try next time:* {escape(str(suggestions[0].get('text', '')))}", block_id="suggestion"))
    blocks.append(section(_nps_text(card), block_id="nps"))
    elements: list[dict[str, Any]] = [{
        "type": "button", "action_id": PRACTISE_AGAIN, "style": "primary", "text": plain("Practise again", BUTTON_LABEL_LIMIT),
        "value": practise_again_value(str(card.get("scenario", "")), difficulty),
    }]
    if web_url:
        elements.append({"type": "button", "action_id": OPEN_SCORECARD, "text": plain("Full scorecard", BUTTON_LABEL_LIMIT),
                         "url": scorecard_url(web_url, session_id)})
    blocks.append({"type": "actions", "block_id": "next", "elements": elements})
    return blocks[:MESSAGE_BLOCKS]


def scorecard_url(web_url: str, session_id: str) -> str:
    """The web scorecard of a session."""
    return f"{web_url.rstrip('/')}/scorecards/{session_id}"


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_LIMIT), "value": value[:150]}


def picker_modal(scenarios: list[ScenarioChoice], private_metadata: str) -> Block:
    """The scenario picker `/practice` opens: scenario and difficulty, then Start."""
    levels = [d for d in DIFFICULTIES if any(d in s["difficulties"] for s in scenarios)] or list(DIFFICULTIES)
    scenario_options = [_option(s["title"], s["id"]) for s in scenarios[:100]]
    difficulty_options = [_option(d.capitalize(), d) for d in levels]
    return {
        "type": "modal",
        "callback_id": PICKER,
        "title": plain("Practice", 24),
        "submit": plain("Start", 24),
        "close": plain("Cancel", 24),
        "private_metadata": private_metadata[:3000],
        "blocks": [
            {"type": "input", "block_id": PICK_SCENARIO, "label": plain("Scenario", 2000),
             "element": {"type": "static_select", "action_id": PICK_SCENARIO, "options": scenario_options,
                         "initial_option": scenario_options[0]}},
            {"type": "input", "block_id": PICK_DIFFICULTY, "label": plain("Difficulty", 2000),
             "element": {"type": "static_select", "action_id": PICK_DIFFICULTY, "options": difficulty_options,
                         "initial_option": difficulty_options[0]}},
        ],
    }


def picked(view: dict[str, Any]) -> tuple[str | None, str | None]:
    """The scenario and difficulty chosen in a submitted picker."""
    values = (view.get("state") or {}).get("values") or {}

    def choice(block: str) -> str | None:
        option = ((values.get(block) or {}).get(block) or {}).get("selected_option") or {}
        value = option.get("value")
        return str(value) if value else None

    return choice(PICK_SCENARIO), choice(PICK_DIFFICULTY)


def _session_line(line: SessionLine, web_url: str) -> Block:
    score = "not scored yet" if line.get("overall") is None else f"*{line.get('overall')}/100*"
    when = str(line.get("started_at") or "")[:10]
    text = (f"*{escape(line.get('title') or line.get('scenario') or 'Practice')}* ({escape(line.get('difficulty') or '')}) · "
            f"{score} · {escape(line.get('channel') or '')} · {when}")
    block: Block = section(text)
    if web_url and line.get("session_id") and line.get("overall") is not None:
        block["accessory"] = {"type": "button", "action_id": f"{OPEN_SCORECARD}_{line['session_id']}"[:255],
                              "text": plain("Scorecard", BUTTON_LABEL_LIMIT), "url": scorecard_url(web_url, line["session_id"])}
    return block


def home_view(summary: TraineeSummary | None, web_url: str, trainee: str) -> Block:
    """The app's Home tab: recent sessions and scores, the weakest skill, the coach's assignments."""
    blocks: list[Block] = [{"type": "header", "text": plain("Your customer-service practice", HEADER_LIMIT)},
                           {"type": "context", "elements": [mrkdwn(f"Signed in as *{escape(trainee)}*, on Slack and on the web.")]}]
    if summary is None:
        blocks.append(section("Your practice history is not available right now; try again in a minute. "
                              "`/practice` still starts a session."))
        return {"type": "home", "blocks": blocks}
    weakest = summary.get("weakest_skill")
    if weakest:
        blocks.append(section(f"*Weakest skill:* {escape(weakest['name'])} ({round(weakest['share'] * 100)}% of its points on average). "
                              "Practise it next.", block_id="weakest"))
    blocks.append({"type": "divider"})
    blocks.append(section("*Recent sessions*", block_id="recent"))
    sessions = summary.get("sessions") or []
    blocks += [_session_line(line, web_url) for line in sessions[:10]] or [section("No sessions yet. Type `/practice` to start one.")]
    blocks.append({"type": "divider"})
    blocks.append(section("*From your coach*", block_id="assignments"))
    assignments = summary.get("assignments") or []
    blocks += [section(f"• {escape(a.get('title') or a.get('scenario') or '')} ({escape(a.get('difficulty') or 'any')})"
                       + (f", by {escape(str(a['due']))}" if a.get("due") else "")
                       + (f": {escape(a['note'])}" if a.get("note") else "")) for a in assignments[:20]] \
        or [section("No assignments from your coach yet.")]
    blocks.append({"type": "context", "elements": [mrkdwn("Start a practice with `/practice` or `/practice cafe angry`.")]})
    return {"type": "home", "blocks": blocks[:100]}


class SlackMessage(TypedDict):
    """One message to post in a practice thread: blocks, and the text Slack shows in notifications."""

    text: str
    blocks: list[Block]


def _live_data(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The action server's live payload (stage, mood, scorecard, who said each line), if a message carries it."""
    for message in reversed(messages):
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("data"), dict):
            return dict(custom["data"])
    return {}


def _speakers(texts: list[str], lines: list[dict[str, Any]]) -> list[str]:
    unused = [dict(line) for line in lines if isinstance(line, dict)]
    speakers = []
    for text in texts:
        match = next((line for line in unused if line.get("text") == text), None)
        if match is not None:
            unused.remove(match)
        speakers.append(str(match.get("speaker")) if match else "coach")
    return speakers


def render_turn(messages: list[dict[str, Any]], web_url: str) -> list[SlackMessage]:
    """The bot's messages for one trainee turn (as Rasa collected them) as Slack messages, in order.

    The customer's last line carries the live stage and mood; the scorecard summary becomes the
    Block Kit scorecard.
    """
    data = _live_data(messages)
    texts = [str(m["text"]) for m in messages if m.get("text")]
    speakers = _speakers(texts, list(data.get("lines") or []))
    last_customer = max((i for i, s in enumerate(speakers) if s == "customer"), default=-1)
    card = data.get("scorecard") if isinstance(data.get("scorecard"), dict) else None
    out: list[SlackMessage] = []
    for i, (text, speaker) in enumerate(zip(texts, speakers, strict=True)):
        if card is not None and i == len(texts) - 1 and speaker == "coach":
            blocks = scorecard_blocks(card, str(data.get("session_id") or ""), str(data.get("difficulty") or ""), web_url)
        elif speaker == "customer":
            blocks = customer_message(text, data.get("stage"), data.get("mood"), live=i == last_customer)
        else:
            blocks = coach_message(text)
        out.append({"text": clip(text, 3000), "blocks": blocks})
    return out
