"""The rasa-sdk actions with a tracker fixture, CollectingDispatcher and the real domain.yml."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_customer_reply import ActionCustomerReply
from actions.action_end_practice import ActionEndPractice
from actions.action_give_hint import ActionGiveHint
from actions.action_restart import ActionRestart
from actions.action_start_practice import ActionStartPractice
from bot.settings import PROJECT_ROOT

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ALL_ACTIONS = [ActionStartPractice, ActionCustomerReply, ActionGiveHint, ActionEndPractice, ActionRestart]


def tracker(text: str, intent: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None,
            confidence: float = 1.0, metadata: dict[str, Any] | None = None) -> Tracker:
    """A tracker as Rasa sends it to the action server."""
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    return Tracker.from_dict({
        "sender_id": "trainee-42", "slots": all_slots, "latest_message": message,
        "events": [{"event": "user", "text": text, "parse_data": message, "input_channel": "rest", "metadata": metadata or {}}],
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    })


def run(action_class: type, tr: Tracker) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action_class().run(dispatcher, tr, DOMAIN))
    return dispatcher, events


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_every_action_is_in_the_domain() -> None:
    assert sorted(a().name() for a in ALL_ACTIONS) == sorted(DOMAIN["actions"])


def signed(trainee: str) -> dict[str, str]:
    """Metadata as the signed-in web page sends it: the account's name and its pass."""
    from bot.attribution import trainee_pass
    from bot.settings import get_settings

    return {"trainee": trainee, "trainee_pass": trainee_pass(trainee, get_settings().session_secret.encode())}


def test_start_introduces_the_customer_and_sets_the_slots(temp_db: str) -> None:
    entities = [{"entity": "scenario", "value": "cafe_late_order"}, {"entity": "difficulty", "value": "impatient"}]
    dispatcher, events = run(ActionStartPractice, tracker('/start{"scenario":"cafe_late_order"}', "start", entities=entities,
                                                          metadata=signed("Sam Lee")))
    assert "Café" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[-1]["custom"]["data"]["stage"] == "receiving"
    slots = slots_of(events)
    assert slots["practice"]["difficulty"] == "impatient" and slots["session_id"] and slots["stage"] == "receiving"
    from bot.store import repository
    from bot.store.db import session_scope

    with session_scope() as db:
        assert repository.latest_session(db, "trainee-42").trainee == "Sam Lee"  # type: ignore[union-attr]


@pytest.mark.parametrize("metadata", [{"trainee": "Sam Lee"}, {"trainee": "Sam Lee", "trainee_pass": "forged"},
                                      {"trainee": "Sam Lee", "trainee_pass": 7}, {"trainee": ["x"]}])
def test_a_trainee_named_without_their_pass_is_not_credited_the_session(temp_db: str, metadata: dict[str, Any]) -> None:
    run(ActionStartPractice, tracker("/start", "start", metadata=metadata))
    from bot.store import repository
    from bot.store.db import session_scope

    with session_scope() as db:
        assert repository.latest_session(db, "trainee-42").trainee == "trainee-42"  # type: ignore[union-attr]


def test_a_sender_id_that_is_someones_username_does_not_make_the_session_theirs(temp_db: str) -> None:
    from bot.store import accounts, repository
    from bot.store.db import session_scope

    with session_scope() as db:
        accounts.add_user(db, "trainee-42", "trainee", password="a-long-password")
    run(ActionStartPractice, tracker("/start", "start"))  # REST, sender id "trainee-42", no pass
    with session_scope() as db:
        unvouched = repository.latest_session(db, "trainee-42")
        assert unvouched is not None and unvouched.user_id is None
        assert accounts.add_user(db, "trainee-42", "trainee").attached_sessions == 0  # a re-import attaches nothing either
    run(ActionStartPractice, tracker("/start", "start", metadata=signed("trainee-42")))  # the account's own pass
    with session_scope() as db:
        user = accounts.find_user(db, "trainee-42")
        vouched = repository.latest_session(db, "trainee-42")
        assert user is not None and vouched is not None and vouched.id != unvouched.id and vouched.user_id == user.id


def test_a_sender_id_longer_than_its_column_is_refused_with_a_message(temp_db: str) -> None:
    from bot import practice

    with pytest.raises(practice.PracticeError, match="at most 255 are kept"):
        practice.begin("x" * 300, "cafe_late_order", "patient")


def test_an_unknown_scenario_gets_a_clear_message(temp_db: str) -> None:
    dispatcher, events = run(ActionStartPractice, tracker("/start", "start", entities=[{"entity": "scenario", "value": "moon_base"}]))
    assert slots_of(events) == {"scenario": None, "difficulty": None}
    assert "no scenario called 'moon_base'" in dispatcher.messages[0]["text"]
    assert "cafe_late_order" in dispatcher.messages[0]["text"]


@pytest.mark.models
def test_the_customer_replies_and_the_stage_moves(temp_db: str) -> None:
    _, events = run(ActionStartPractice, tracker("/start", "start"))
    started = slots_of(events)
    dispatcher, events = run(ActionCustomerReply, tracker("Hi there, thanks for waiting. What happened?", "talk", slots=started))
    reply = dispatcher.messages[-1]
    assert reply["custom"]["data"]["stage"] == "understanding"
    assert "greet_acknowledge" in reply["custom"]["data"]["skills"]
    assert slots_of(events)["practice"]["turn"] == 1


@pytest.mark.models
def test_naming_a_feeling_the_scenario_gives_the_customer_restates_it_before_they_say_it(temp_db: str) -> None:
    _, events = run(ActionStartPractice, tracker('/start{"scenario":"cafe_late_order"}', "start",
                                                 entities=[{"entity": "scenario", "value": "cafe_late_order"}]))
    started = slots_of(events)
    # The café customer is rushed (scenario feelings); her opening line complains about the wait but names no feeling.
    dispatcher, _ = run(ActionCustomerReply, tracker("Hi, thanks for waiting. You must be in a real rush on your lunch break.",
                                                     "talk", slots=started))
    skills = set(dispatcher.messages[-1]["custom"]["data"]["skills"])
    assert {"greet_acknowledge", "restate_feeling"} <= skills and "dismissive" not in skills


@pytest.mark.models
def test_talking_without_start_meets_the_default_customer_first(temp_db: str) -> None:
    dispatcher, events = run(ActionCustomerReply, tracker("Hello there, how can I help?", "talk"))
    lines = dispatcher.messages[-1]["custom"]["data"]["lines"]
    assert [line["speaker"] for line in lines] == ["coach", "customer", "customer"]
    assert slots_of(events)["practice"]["scenario_id"] == "cafe_late_order"
    assert slots_of(events)["practice"]["turn"] == 1


def test_a_bad_choice_does_not_stick(temp_db: str) -> None:
    dispatcher, events = run(ActionStartPractice, tracker("/start", "start", entities=[{"entity": "scenario", "value": 5}]))
    assert "no scenario called '5'" in dispatcher.messages[0]["text"]
    assert slots_of(events) == {"scenario": None, "difficulty": None}
    stuck = {"scenario": "5"}  # what Rasa's slot filling left behind
    dispatcher, events = run(ActionStartPractice, tracker("/start", "start", slots=stuck,
                                                          entities=[{"entity": "difficulty", "value": "nightmare"}]))
    assert "no difficulty 'nightmare'" in dispatcher.messages[0]["text"]
    dispatcher, events = run(ActionStartPractice, tracker("/start", "start", slots=stuck))
    assert slots_of(events)["scenario"] == "cafe_late_order", "a plain /start meets the default customer"


def test_after_the_end_an_unsure_command_is_answered_not_obeyed(temp_db: str) -> None:
    _, events = run(ActionStartPractice, tracker("/start", "start"))
    _, events = run(ActionEndPractice, tracker("/end", "end", slots=slots_of(events)))
    ended = slots_of(events)
    dispatcher, events = run(ActionRestart, tracker("hello again", "restart", slots=ended, confidence=0.6))
    assert "has ended" in dispatcher.messages[0]["text"] and not any(e.get("event") == "restart" for e in events)


def test_hint_without_a_session_explains_how_to_start() -> None:
    dispatcher, events = run(ActionGiveHint, tracker("/hint", "hint"))
    assert "/start" in dispatcher.messages[0]["text"] and events == []


def test_a_plain_words_command_the_nlu_is_unsure_of_goes_to_the_customer(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import practice

    _, events = run(ActionStartPractice, tracker("/start", "start"))
    started = slots_of(events)
    seen: list[str] = []
    monkeypatch.setattr(practice, "respond", lambda sender, state, sid, text, channel="rest", trainee=None: seen.append(text) or practice.Exchange([practice.customer("ok")], state, sid))
    run(ActionGiveHint, tracker("hey what's up", "hint", slots=started, confidence=0.55))
    assert seen == ["hey what's up"]
    dispatcher, _ = run(ActionGiveHint, tracker("/hint", "hint", slots=started, confidence=1.0))
    assert dispatcher.messages[0]["text"].startswith("Hint: Receiving")


def test_end_scores_the_session(temp_db: str) -> None:
    _, events = run(ActionStartPractice, tracker("/start", "start"))
    dispatcher, events = run(ActionEndPractice, tracker("/end", "end", slots=slots_of(events)))
    assert dispatcher.messages[-1]["text"].startswith("Scorecard: ")
    assert dispatcher.messages[-1]["custom"]["data"]["scorecard"]["overall"] == 0
    assert slots_of(events)["practice"]["outcome"] == "ended_by_trainee"


def test_end_without_a_session_says_how_to_start() -> None:
    dispatcher, events = run(ActionEndPractice, tracker("/end", "end"))
    assert "/start" in dispatcher.messages[0]["text"] and events == []


def test_restart_forgets_the_conversation_and_meets_the_same_customer_again(temp_db: str) -> None:
    entities = [{"entity": "difficulty", "value": "angry"}]
    _, events = run(ActionStartPractice, tracker("/start", "start", entities=entities))
    first = slots_of(events)
    dispatcher, events = run(ActionRestart, tracker("/restart", "restart", slots=first))
    assert events[0]["event"] == "restart"
    slots = slots_of(events)
    assert slots["practice"]["difficulty"] == "angry" and slots["session_id"] != first["session_id"]
    assert dispatcher.messages[-1]["custom"]["data"]["stage"] == "receiving"


def test_the_shell_gets_plain_text_without_the_pages_payload(temp_db: str) -> None:
    shell = tracker("/start", "start")
    shell.events[-1]["input_channel"] = "cmdline"
    dispatcher, _ = run(ActionStartPractice, shell)
    assert all("custom" not in m or not m["custom"] for m in dispatcher.messages)
    assert dispatcher.messages[-1]["text"]


def test_a_server_fault_is_a_clear_message_not_a_crash(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import practice

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database is down")

    monkeypatch.setattr(practice, "respond", broken)
    dispatcher, events = run(ActionCustomerReply, tracker("hello", "talk"))
    assert "training server hit a problem" in dispatcher.messages[0]["text"] and events == []
