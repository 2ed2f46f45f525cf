"""The Slack channel's Block Kit builders and scenario words, run directly (standard library only, milliseconds)."""

from __future__ import annotations

import json
from typing import Any

from bot.channels.slack_blocks import (
    OPEN_SCORECARD,
    PRACTISE_AGAIN,
    ScenarioChoice,
    home_view,
    picked,
    picker_modal,
    render_turn,
    scorecard_blocks,
)
from bot.channels.trainer_api import resolve
from bot.scenarios.model import Scenario
from bot.scoring.progress import weakest_skill
from bot.scoring.scorecard import TurnRecord, scorecard
from tests.blockkit import check_blocks, check_view
from tests.conftest import det

WEB = "https://trainer.example"
SCENARIOS: list[ScenarioChoice] = [
    {"id": "cafe_late_order", "title": "Café: a late and wrong lunch order", "aliases": ["cafe", "café", "coffee shop"],
     "difficulties": ["patient", "impatient", "angry"]},
    {"id": "airline_lost_baggage", "title": "Airline: lost baggage", "aliases": ["airline", "baggage"],
     "difficulties": ["patient", "impatient", "angry"]},
]


def a_card(cafe: Scenario) -> dict[str, Any]:
    turns = [
        TurnRecord(0, "customer", "Excuse me, I've been waiting for ages."),
        TurnRecord(1, "trainee", "Hi, sorry for the wait. What happened?", "receiving",
                   [det("greet_acknowledge", "Hi, sorry for the wait"), det("open_question", "What happened?")]),
        TurnRecord(2, "trainee", "That sounds really frustrating.", "understanding", [det("restate_feeling", "That sounds really frustrating")]),
        TurnRecord(3, "trainee", "What happened next?", "understanding", [det("open_question", "What happened next?")]),
    ]
    return scorecard(cafe, turns, "resolved", 9)


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks)


def test_the_scorecard_is_valid_block_kit_with_the_core_skills_evidence_nps_and_buttons(cafe: Scenario) -> None:
    card = a_card(cafe)
    blocks = scorecard_blocks(card, "session-1", "patient", WEB)
    check_blocks(blocks)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": f"Scorecard: {card['overall']}/100", "emoji": True}}
    stages = next(b for b in blocks if b.get("block_id") == "stages")
    assert [f["text"].split("\n")[0] for f in stages["fields"]] == ["*Receiving*", "*Understanding*", "*Helping*", "*Keeping*"]
    skills = {b["block_id"]: b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("skill_")}
    assert list(skills) == ["skill_open_question", "skill_restate_feeling", "skill_set_expectation"]
    assert "> What happened?" in skills["skill_open_question"] and "> What happened next?" in skills["skill_open_question"]
    assert "> That sounds really frustrating" in skills["skill_restate_feeling"]
    assert "Not shown this time" in skills["skill_set_expectation"]
    assert "Try next time" in texts(blocks) and "9/10 (promoter)" in texts(blocks)
    moments = next(b for b in blocks if b.get("block_id") == "moments")["text"]["text"].split("\n")
    assert moments[0] == "*Moments of Truth:* 3 positive, 0 negative, 0 redundant"
    assert moments[1].startswith(":large_green_circle: #1 “Hi, sorry for the wait. What happened?” _earned Greeting")
    assert [line.split(" “")[0] for line in moments[1:]] == [":large_green_circle: #1", ":large_green_circle: #2", ":large_green_circle: #3"]
    buttons = {e["action_id"]: e for e in blocks[-1]["elements"]}
    assert json.loads(buttons[PRACTISE_AGAIN]["value"]) == {"scenario": "cafe_late_order", "difficulty": "patient"}
    assert buttons[OPEN_SCORECARD]["url"] == f"{WEB}/scorecards/session-1"


def test_the_scorecard_counts_each_moment_of_truth_and_names_its_turns(cafe: Scenario) -> None:
    turns = [
        TurnRecord(0, "customer", "My order is late.", frustration=5),
        TurnRecord(1, "trainee", "Hi, thanks for waiting.", "receiving", [det("greet_acknowledge", "thanks for waiting")], frustration=5),
        TurnRecord(2, "customer", "Hm.", frustration=4),
        TurnRecord(3, "trainee", "Calm down <now>.", "understanding", [det("dismissive", "Calm down")], frustration=4),
        TurnRecord(4, "customer", "Excuse me?", frustration=7),
        TurnRecord(5, "trainee", "Ok.", "understanding", frustration=7),
        TurnRecord(6, "customer", "So?", frustration=7),
        TurnRecord(7, "trainee", "Ok.", "understanding", frustration=7),
        TurnRecord(8, "customer", "Well?", frustration=7),
    ]
    card = scorecard(cafe, turns, "ended_by_trainee", None)
    blocks = scorecard_blocks(card, "s", "patient", WEB)
    check_blocks(blocks)
    lines = next(b for b in blocks if b.get("block_id") == "moments")["text"]["text"].split("\n")
    assert lines[0] == "*Moments of Truth:* 1 positive, 1 negative, 2 redundant"
    assert lines[1:] == [
        ":large_green_circle: #1 “Hi, thanks for waiting.” _earned Greeting and acknowledging (+15); the customer calmed down_",
        ":red_circle: #3 “Calm down &lt;now&gt;.” _cost Dismissive remarks (-10); the customer got more frustrated_",
        ":white_circle: #5 “Ok.” _a filler: it moved nothing_",
        ":white_circle: #7 “Ok.” _a repeat of something already said_",
    ]
    many = {**card, "moments_of_truth": {**card["moments_of_truth"], "moments": card["moments_of_truth"]["moments"] * 5}}
    long = next(b for b in scorecard_blocks(many, "s", "patient", WEB) if b.get("block_id") == "moments")["text"]["text"]
    assert long.count("\n") == 11 and long.endswith("_…and 10 more on the full scorecard._")
    old = {**card, "moments_of_truth": [{"turn": 3, "quote": "Calm down", "effect": "lost", "change": 3}]}
    assert not [b for b in scorecard_blocks(old, "s", "patient", WEB) if b.get("block_id") == "moments"], \
        "a card stored with the older moments has no counts to show"


def test_long_evidence_and_markup_stay_within_slack_limits(cafe: Scenario) -> None:
    card = a_card(cafe)
    card["evidence"].append({"skill": "open_question", "stage": "understanding", "points": 5, "quote": "<b>&" + "why? " * 2000})
    card["suggestions"] = [{"text": "x" * 5000}]
    blocks = scorecard_blocks(card, "s", "angry", WEB)
    check_blocks(blocks)
    assert "&lt;b&gt;&amp;" in texts(blocks)


def test_a_turn_renders_customer_lines_with_the_live_stage_and_mood_and_coach_lines_plainly() -> None:
    intro, said = "Scenario: Café (patient). You are the staff member.", "Excuse me <hello>, I've been waiting."
    data = {"stage": "receiving", "mood": "annoyed", "lines": [{"speaker": "coach", "text": intro}, {"speaker": "customer", "text": said}]}
    out = render_turn([{"text": intro}, {"text": said}, {"custom": {"data": data}}], WEB)
    assert [m["text"] for m in out] == [intro, said]
    for message in out:
        check_blocks(message["blocks"])
    assert [b["type"] for b in out[0]["blocks"]] == ["section"]
    customer = out[1]["blocks"]
    assert customer[0]["text"]["text"] == "*Customer:* Excuse me &lt;hello&gt;, I've been waiting."
    assert customer[1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "Stage: *Receiving* · Mood: *annoyed*"}]}


def test_the_ending_turn_posts_the_customers_goodbye_then_the_scorecard(cafe: Scenario) -> None:
    card = a_card(cafe)
    bye, summary = "Thanks, that's sorted.", "Scorecard: 40/100 - ..."
    data = {"stage": "keeping", "mood": "calm", "session_id": "s-9", "difficulty": "angry", "scorecard": card,
            "lines": [{"speaker": "customer", "text": bye}, {"speaker": "coach", "text": summary}]}
    out = render_turn([{"text": bye}, {"text": summary}, {"custom": {"data": data}}], WEB)
    assert out[0]["blocks"][-1]["type"] == "context"
    assert out[1]["text"] == summary and out[1]["blocks"][0]["type"] == "header"
    assert any(b.get("block_id") == "moments" for b in out[1]["blocks"]), "the Moments of Truth come with the scorecard"
    assert f"{WEB}/scorecards/s-9" in texts(out[1]["blocks"])


def test_hints_and_errors_read_as_the_commands_typed_in_slack() -> None:
    out = render_turn([{"text": "This practice session has ended. Send /restart to play it again, or /start to choose another."}], WEB)
    assert out[0]["blocks"][0]["text"]["text"].endswith("Send `restart` to play it again, or `/practice` to choose another.")
    hint = render_turn([{"text": "Hint: greet them."}, {"custom": {"data": {"hint": "Hint: greet them.",
                                                                       "lines": [{"speaker": "coach", "text": "Hint: greet them."}]}}}], WEB)
    assert hint[0]["blocks"][0]["text"]["text"].startswith(":bulb:")


def test_the_picker_is_a_valid_modal_and_its_submission_reads_back() -> None:
    view = picker_modal(SCENARIOS, json.dumps({"channel": "C1"}))
    check_view(view)
    options = view["blocks"][0]["element"]["options"]
    assert [o["value"] for o in options] == ["cafe_late_order", "airline_lost_baggage"]
    state = {"values": {"scenario": {"scenario": {"selected_option": options[1]}},
                        "difficulty": {"difficulty": {"selected_option": {"value": "angry"}}}}}
    assert picked({"state": state}) == ("airline_lost_baggage", "angry")
    assert picked({}) == (None, None)


def test_the_home_tab_shows_sessions_weakest_skill_and_assignments_or_says_why_not() -> None:
    summary = {"trainee": "alice@example.com", "weakest_skill": {"skill": "set_expectation", "name": "Setting expectations", "share": 0.25},
               "sessions": [{"session_id": "s1", "scenario": "cafe_late_order", "title": "Café", "difficulty": "angry", "channel": "slack",
                             "started_at": "2026-12-01T21:00:00", "overall": 72},
                            {"session_id": "s2", "scenario": "cafe_late_order", "title": "Café", "difficulty": "patient", "channel": "socketio",
                             "started_at": "2026-12-01T20:00:00", "overall": None}],
               "assignments": [{"scenario": "airline_lost_baggage", "title": "Airline", "difficulty": "angry", "due": "2026-12-05"}]}
    view = home_view(summary, WEB, "alice@example.com")  # type: ignore[arg-type]
    check_view(view)
    text = texts(view["blocks"])
    assert "Setting expectations" in text and "25%" in text and "72/100" in text and "not scored yet" in text
    assert "Airline" in text and "2026-12-05" in text and f"{WEB}/scorecards/s1" in text
    empty = home_view({"trainee": "new", "sessions": [], "weakest_skill": None, "assignments": []}, WEB, "new")
    check_view(empty)
    assert "No sessions yet" in texts(empty["blocks"]) and "No assignments" in texts(empty["blocks"])
    down = home_view(None, WEB, "x")
    check_view(down)
    assert "not available right now" in texts(down["blocks"])


def test_practice_words_name_a_scenario_and_a_difficulty() -> None:
    assert resolve(SCENARIOS, "cafe angry")[:2] == (SCENARIOS[0], "angry")
    assert resolve(SCENARIOS, "Coffee Shop")[:2] == (SCENARIOS[0], None)
    assert resolve(SCENARIOS, "angry airline")[:2] == (SCENARIOS[1], "angry")
    assert resolve(SCENARIOS, "patient") == (None, "patient", [])
    assert resolve(SCENARIOS, "moon base angry") == (None, "angry", ["moon", "base"])


def test_the_weakest_skill_is_the_lowest_average_share_of_its_points(cafe: Scenario) -> None:
    card = a_card(cafe)
    weakest = weakest_skill([card])
    assert weakest is not None and weakest["share"] == 0.0 and card["skills"][weakest["skill"]]["points"] == 0
    assert weakest_skill([]) is None
