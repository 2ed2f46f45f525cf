"""Slack practice sessions end to end: signed Slack requests to the real Rasa server, a fake Slack Web API.

One stack for the module: the action server, the web app (the trainer API the channel reads) and Rasa
with credentials.yml + slack/credentials.yml, as scripts/run.sh builds them. The fake Web API records
every call; the assertions read what the trainee would see in Slack.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.channels.slack_blocks import PRACTISE_AGAIN, practise_again_value
from bot.settings import PROJECT_ROOT
from tests.blockkit import check_blocks, check_view
from tests.fake_slack import Call, FakeSlack, message_event, signed
from tests.stack import Stack, start_stack
from tests.test_integration import SKILLED

pytestmark = [pytest.mark.rasa, pytest.mark.models]

SECRET = "test-signing-secret"
WEB = "https://trainer.example"
_ts = count(1)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack(emails={"UALICE": "Alice@Example.com", "UCAROL": "carol@example.com"}, closed_channels={"CLOSED"}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, fake: FakeSlack) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("slack")
    credentials = workdir / "credentials.yml"  # what scripts/slack-env.sh writes to var/credentials.slack.yml
    credentials.write_text((PROJECT_ROOT / "credentials.yml").read_text() + "\n" + (PROJECT_ROOT / "slack" / "credentials.yml").read_text())
    env = {"SLACK_API_URL": fake.url, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "TRAINER_API_TOKEN": "api-token",
           "WEB_PUBLIC_URL": WEB, "SLACK_USER_MAP": "UBOB=bob-staff-7", "SLACK_USER_MAP_FILE": str(workdir / "none.json")}
    running = start_stack(workdir, credentials=credentials, extra_env=env, web=True)
    yield running
    running.stop()


def new_ts() -> str:
    return f"{1800000000 + next(_ts)}.000100"


def post(stack: Stack, body: bytes, content_type: str, **signing: Any) -> httpx.Response:
    """A request as Slack sends it; Slack gives up after three seconds, so must we."""
    headers = signed(SECRET, body, content_type, **signing)
    return httpx.post(f"{stack.rasa_url}/webhooks/slack/webhook", content=body, headers=headers, timeout=3.0)


def event(stack: Stack, envelope: dict[str, Any], retry: int | None = None) -> httpx.Response:
    body = json.dumps(envelope).encode()
    headers = signed(SECRET, body, "application/json")
    if retry:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"})
    return httpx.post(f"{stack.rasa_url}/webhooks/slack/webhook", content=body, headers=headers, timeout=3.0)


def command(stack: Stack, user: str, channel: str, text: str) -> httpx.Response:
    fields = {"command": "/practice", "text": text, "user_id": user, "channel_id": channel, "team_id": "T1",
              "trigger_id": f"trigger-{user}", "response_url": "https://hooks.slack.invalid/x"}
    return post(stack, urlencode(fields).encode(), "application/x-www-form-urlencoded")


def interaction(stack: Stack, payload: dict[str, Any]) -> httpx.Response:
    return post(stack, urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")


def thread_of(fake: FakeSlack, channel: str, after: int, what: str) -> str:
    """The ts of the next thread parent the bot posts in a channel."""
    parent = fake.wait_for(lambda calls: next((c for c in calls[after:] if c.method == "chat.postMessage" and c.ok
                                               and c.args.get("channel") == channel and not c.args.get("thread_ts")), None), what=what)
    return str(parent.response["ts"])


def replies(fake: FakeSlack, channel: str, thread: str, n: int, what: str = "", settle: float = 0.8) -> list[Call]:
    """Wait for at least n messages in a thread and for the turn to finish posting; all of them, in order."""
    fake.wait_for(lambda _: len(fake.posts(channel, thread)) >= n, what=what or f"{n} replies in thread {thread}")
    while True:  # the rest of the turn's messages follow within milliseconds
        seen = len(fake.posts(channel, thread))
        time.sleep(settle)
        if len(fake.posts(channel, thread)) == seen:
            return fake.posts(channel, thread)


def say(stack: Stack, fake: FakeSlack, user: str, channel: str, thread: str, text: str, channel_type: str = "channel") -> list[Call]:
    """The trainee says something in the thread; the bot's messages in answer."""
    before = len(fake.posts(channel, thread))
    assert event(stack, message_event(user, channel, text, new_ts(), thread, channel_type)).status_code == 200
    return replies(fake, channel, thread, before + 1, f"an answer to {text!r}")[before:]


def start(stack: Stack, fake: FakeSlack, user: str, channel: str, words: str) -> str:
    """`/practice <words>`; the new thread's ts once the customer has spoken in it."""
    before = len(fake.calls)
    answer = command(stack, user, channel, words)
    assert answer.status_code == 200 and "Starting your practice" in answer.json()["text"]
    thread = thread_of(fake, channel, before, f"a thread for /practice {words}")
    replies(fake, channel, thread, 2, "the intro and the customer's opening")
    return thread


def block_text(call: Call) -> str:
    return json.dumps(call.blocks(), ensure_ascii=False)


def test_unsigned_wrongly_signed_and_stale_requests_are_rejected_for_events_commands_and_interactions(stack: Stack, fake: FakeSlack) -> None:
    bodies = [
        (json.dumps(message_event("UEVE", "DEVE", "hello", new_ts(), channel_type="im")).encode(), "application/json"),
        (urlencode({"command": "/practice", "text": "cafe angry", "user_id": "UEVE", "channel_id": "CEVE"}).encode(),
         "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "UEVE"}, "channel": {"id": "CEVE"},
                                           "actions": [{"action_id": PRACTISE_AGAIN, "value": practise_again_value("cafe_late_order", "angry")}]})
                    }).encode(), "application/x-www-form-urlencoded"),
    ]
    before = len(fake.calls)
    url = f"{stack.rasa_url}/webhooks/slack/webhook"
    for body, kind in bodies:
        unsigned = httpx.post(url, content=body, headers={"Content-Type": kind}, timeout=3.0)
        wrong = post(stack, body, kind, signature="v0=" + "0" * 64)
        stale = post(stack, body, kind, age_seconds=6 * 60)
        tampered = httpx.post(url, content=body + b" ", headers=signed(SECRET, body, kind), timeout=3.0)
        assert [r.status_code for r in (unsigned, wrong, stale, tampered)] == [401] * 4
    challenge = post(stack, json.dumps({"type": "url_verification", "challenge": "abc"}).encode(), "application/json")
    assert challenge.status_code == 200 and challenge.json() == {"challenge": "abc"}
    time.sleep(2)
    assert fake.calls[before:] == [], "a rejected request makes no Slack call"


def test_practice_without_words_opens_the_picker_whose_submission_starts_a_thread(stack: Stack, fake: FakeSlack) -> None:
    answer = command(stack, "UALICE", "CPICK", "")
    assert answer.status_code == 200
    opened = fake.wait_for(lambda calls: next((c for c in calls if c.method == "views.open" and c.args["trigger_id"] == "trigger-UALICE"), None),
                           what="views.open")
    view = opened.view()
    check_view(view)
    options = [o["value"] for o in view["blocks"][0]["element"]["options"]]
    assert "cafe_late_order" in options and len(options) >= 8

    values = {"scenario": {"scenario": {"selected_option": {"value": "cafe_late_order"}}},
              "difficulty": {"difficulty": {"selected_option": {"value": "angry"}}}}
    before = len(fake.calls)
    submitted = interaction(stack, {"type": "view_submission", "user": {"id": "UALICE"},
                                    "view": {**view, "state": {"values": values}}})
    assert submitted.status_code == 200 and submitted.text == "", "an empty 200 closes the modal"
    thread = thread_of(fake, "CPICK", before, "the picked practice's thread")
    intro, opening = replies(fake, "CPICK", thread, 2)[:2]
    assert "Café" in intro.args["text"] and "(angry)" in intro.args["text"]
    assert opening.blocks()[0]["text"]["text"].startswith("*Customer:*")
    assert "Stage: *Receiving*" in block_text(opening)


def test_a_practice_runs_in_its_own_thread_with_commands_beside_another_and_ends_with_the_scorecard(stack: Stack, fake: FakeSlack) -> None:
    first = start(stack, fake, "UALICE", "CTEAM", "cafe patient")
    second = start(stack, fake, "UALICE", "CTEAM", "airline angry")
    assert first != second
    assert "Airline" in fake.posts("CTEAM", second)[0].args["text"]

    hint = say(stack, fake, "UALICE", "CTEAM", first, "hint")
    assert hint[0].args["text"].startswith("Hint") and "Receiving" in hint[0].args["text"]
    other = say(stack, fake, "UALICE", "CTEAM", second, "/hint")
    assert other[0].args["text"].startswith("Hint")
    restarted = say(stack, fake, "UALICE", "CTEAM", second, "restart")
    assert restarted[0].args["text"].startswith("Scenario: Airline") and "*Customer:*" in block_text(restarted[1])

    said: list[str] = []
    for line in SKILLED:
        answer = say(stack, fake, "UALICE", "CTEAM", first, line)
        said.append(line)
        if any(c.blocks()[0]["type"] == "header" for c in answer):
            break
    else:
        say(stack, fake, "UALICE", "CTEAM", first, "end")
    card = fake.wait_for(lambda _: next((c for c in fake.posts("CTEAM", first) if c.blocks()[0]["type"] == "header"), None), what="the scorecard")
    thread = fake.posts("CTEAM", first)
    kinds = ["scorecard" if c.blocks()[0]["type"] == "header" else "customer" if "*Customer:*" in block_text(c) else "coach" for c in thread]
    assert kinds[:3] == ["coach", "customer", "coach"], "intro, opening, hint"
    assert kinds[3:3 + len(said)] == ["customer"] * len(said), "one customer reply per trainee message, in order"
    assert kinds[-1] == "scorecard" and card is thread[-1]
    assert all("Stage:" in block_text(c) for c in thread[3:3 + len(said)]), "the live stage and mood under the customer's replies"
    assert "Stage: *Keeping*" in block_text(thread[2 + len(said)])

    blocks = card.blocks()
    check_blocks(blocks)
    text = block_text(card)
    for label in ("Open questions", "Restating feelings", "Setting expectations"):
        assert label in text
    skills = {b["block_id"]: b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("skill_")}
    assert "> " in skills["skill_open_question"] and "> " in skills["skill_restate_feeling"] and "> " in skills["skill_set_expectation"]
    assert "Would they recommend us?" in text
    buttons = {e["action_id"]: e for e in blocks[-1]["elements"]}
    assert json.loads(buttons[PRACTISE_AGAIN]["value"]) == {"scenario": "cafe_late_order", "difficulty": "patient"}
    session_id = buttons["open_scorecard"]["url"].removeprefix(f"{WEB}/scorecards/")
    with sqlite3.connect(Path(stack.database_url.removeprefix("sqlite:///"))) as db:
        row = db.execute("select trainee, channel, sender_id from practice_sessions where id = ?", (session_id,)).fetchone()
    assert row == ("alice@example.com", "slack", f"UALICE_CTEAM_{first}"), "one trainee on web and Slack: by email from users.info"


def test_practise_again_starts_the_same_scenario_in_a_new_thread(stack: Stack, fake: FakeSlack) -> None:
    before = len(fake.calls)
    clicked = interaction(stack, {"type": "block_actions", "user": {"id": "UALICE"}, "channel": {"id": "CAGAIN"},
                                  "container": {"type": "message", "channel_id": "CAGAIN", "thread_ts": "1.0"},
                                  "actions": [{"type": "button", "action_id": PRACTISE_AGAIN,
                                               "value": practise_again_value("cafe_late_order", "impatient")}]})
    assert clicked.status_code == 200
    thread = thread_of(fake, "CAGAIN", before, "the new thread")
    assert thread != "1.0"
    intro = replies(fake, "CAGAIN", thread, 2)[0]
    assert "Café" in intro.args["text"] and "(impatient)" in intro.args["text"]


def test_a_direct_message_starts_a_practice_and_a_retried_event_is_answered_once(stack: Stack, fake: FakeSlack) -> None:
    root = new_ts()
    assert event(stack, message_event("UBOB", "DBOB", "Hello, how can I help you?", root, channel_type="im")).status_code == 200
    opened = replies(fake, "DBOB", root, 3, "intro, opening and the first answer in a thread under the DM")
    assert "Scenario:" in opened[0].args["text"]

    envelope = message_event("UBOB", "DBOB", "I'm so sorry about that. What happened?", new_ts(), root, "im", event_id="EvRETRY1")
    before = len(fake.posts("DBOB", root))
    assert event(stack, envelope).status_code == 200
    again = event(stack, envelope, retry=1)
    assert again.status_code == 200 and again.headers.get("X-Slack-No-Retry") == "1"
    replies(fake, "DBOB", root, before + 1)
    time.sleep(3)
    assert len(fake.posts("DBOB", root)) == before + 1, "a Slack retry gets no second customer reply"
    with sqlite3.connect(Path(stack.database_url.removeprefix("sqlite:///"))) as db:
        assert db.execute("select trainee from practice_sessions where sender_id = ?", (f"UBOB_DBOB_{root}",)).fetchone() == ("bob-staff-7",)


def test_chatter_outside_practice_threads_is_left_alone(stack: Stack, fake: FakeSlack) -> None:
    thread = start(stack, fake, "UALICE", "CQUIET", "cafe")
    before = len(fake.calls)
    assert event(stack, message_event("UALICE", "CQUIET", "lunch anyone?", new_ts())).status_code == 200
    assert event(stack, message_event("UCOACH", "CQUIET", "nice start, Alice", new_ts(), thread)).status_code == 200
    time.sleep(3)
    assert [c for c in fake.calls[before:] if c.method == "chat.postMessage"] == []


def test_a_mention_starts_one_practice_though_slack_sends_it_as_two_events(stack: Stack, fake: FakeSlack) -> None:
    root = new_ts()
    text = "<@UBOT> let's practise with the cafe customer"
    assert event(stack, message_event("UFRAN", "CMENTION", text, root, event_id="EvMSG1")).status_code == 200
    assert event(stack, message_event("UFRAN", "CMENTION", text, root, event_id="EvMENTION1", kind="app_mention")).status_code == 200
    thread = replies(fake, "CMENTION", root, 2, "a practice in a thread under the mention")
    time.sleep(3)
    intros = [c for c in fake.posts("CMENTION", root) if c.args["text"].startswith("Scenario:")]
    assert len(intros) == 1 and "Café" in intros[0].args["text"], [c.args["text"] for c in thread]


def test_the_home_tab_shows_the_trainees_sessions_scores_and_weakest_skill(stack: Stack, fake: FakeSlack) -> None:
    thread = start(stack, fake, "UCAROL", "CHOME", "cafe angry")
    say(stack, fake, "UCAROL", "CHOME", thread, "end")
    fake.wait_for(lambda _: any(c.blocks()[0]["type"] == "header" for c in fake.posts("CHOME", thread)), what="the scorecard")
    assert event(stack, {"type": "event_callback", "event_id": "EvHOME1", "authorizations": [{"user_id": "UBOT"}],
                         "event": {"type": "app_home_opened", "user": "UCAROL", "tab": "home", "channel": "DCAROL"}}).status_code == 200
    published = fake.wait_for(lambda calls: next((c for c in calls if c.method == "views.publish" and c.args["user_id"] == "UCAROL"), None),
                              what="views.publish")
    view = published.view()
    check_view(view)
    text = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home" and "carol@example.com" in text
    assert "Café: a late and wrong lunch order" in text and "0/100" in text and "slack" in text
    assert "Weakest skill" in text and "From your coach" in text


def test_a_failed_slack_call_is_retried_and_a_lost_one_is_still_in_the_tracker_store(stack: Stack, fake: FakeSlack) -> None:
    thread = start(stack, fake, "UDAVE", "CFAIL", "cafe patient")
    fake.fail("chat.postMessage", times=1)
    first = "Hi there, sorry for the wait. What happened?"
    answer = say(stack, fake, "UDAVE", "CFAIL", thread, first)
    failed = [c for c in fake.posts("CFAIL", thread, ok_only=False) if not c.ok]
    assert len(failed) == 1 and failed[0].args["text"] == answer[0].args["text"], "the same message, posted again"

    fake.fail("chat.postMessage", times=4)  # every attempt fails: nothing reaches Slack
    lost = "Oh no, that sounds really frustrating."
    assert event(stack, message_event("UDAVE", "CFAIL", lost, new_ts(), thread)).status_code == 200
    fake.wait_for(lambda _: sum(1 for c in fake.posts("CFAIL", thread, ok_only=False) if not c.ok) == 5, what="four failed attempts")
    sender = f"UDAVE_CFAIL_{thread}"

    def tracker() -> list[tuple[str, str]]:
        with sqlite3.connect(stack.tracker_db) as db:
            rows = db.execute("select type_name, data from events where sender_id = ? and type_name in ('user', 'bot') order by id",
                              (sender,)).fetchall()
        return [(kind, json.loads(data).get("text") or "") for kind, data in rows]

    events = fake.wait_for(lambda _: (lambda t: t if t and t[-1][0] == "bot" and ("user", lost) in t else None)(tracker()),
                           timeout=30, what="the lost turn in the tracker store")
    assert [text for kind, text in events if kind == "user"][-2:] == [first, lost]
    assert events[-1][1] == [c for c in fake.posts("CFAIL", thread, ok_only=False) if not c.ok][-1].args["text"]
    later = say(stack, fake, "UDAVE", "CFAIL", thread, "How is this affecting your day?")
    assert later and "*Customer:*" in block_text(later[0]), "the thread goes on once Slack is back"


def test_a_practice_where_the_bot_may_not_post_moves_to_a_direct_message(stack: Stack, fake: FakeSlack) -> None:
    before = len(fake.calls)
    assert command(stack, "UERIN", "CLOSED", "cafe").status_code == 200
    fake.wait_for(lambda calls: any(c.method == "conversations.open" for c in calls[before:]), what="conversations.open")
    thread = thread_of(fake, "DUERIN", before, "the practice in a DM")
    assert "Scenario:" in replies(fake, "DUERIN", thread, 2)[0].args["text"]
