"""The play-test corpus is well formed, and the believability checks of its benchmark judge replies as stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.playtests import CHOICES, SessionResult, asks_for_information, choices, order_check, sessions, stacked_acknowledgements
from bot.language.text import echoes
from bot.play import play_lines
from bot.scenarios.loader import load_library
from bot.skills.labels import LABELS, Detection
from tests.conftest import SCENARIOS, det

CORPUS = sessions()
LIBRARY = load_library(SCENARIOS)
KINDS = {"excellent", "average", "careless", "rude", "chat_typist", "unusual_good", "over_promiser", "careful"}


def test_the_corpus_covers_every_scenario_and_difficulty_from_two_writers() -> None:
    assert len(CORPUS) >= 40
    assert {s["scenario"] for s in CORPUS} == set(LIBRARY.scenarios)
    assert {s["difficulty"] for s in CORPUS} == {"patient", "impatient", "angry"}
    assert len({s["writer"] for s in CORPUS}) >= 2
    assert len({s["id"] for s in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("session", CORPUS, ids=lambda s: s["id"])
def test_each_session_is_playable_and_says_what_a_coach_expects(session: dict) -> None:  # type: ignore[type-arg]
    scenario = LIBRARY.get(session["scenario"])
    assert scenario is not None and session["difficulty"] in scenario.difficulties
    assert session["trainee_kind"] in KINDS
    assert session["lines"] and all(isinstance(line, str) and line.strip() for line in session["lines"])
    low, high = session["band"]
    assert 0 <= low < high <= 100
    must, must_not = set(session.get("must_credit") or []), set(session.get("must_not_credit") or [])
    assert must <= set(LABELS) and must_not <= set(LABELS) and not must & must_not


def test_a_reply_that_repeats_five_words_of_the_trainee_echoes_it() -> None:
    trainee = "I can bring drinks over while you wait, on the house."
    assert echoes(trainee, "Okay, let's do that: bring drinks over while you wait.")
    assert not echoes(trainee, "Drinks while I wait? That would help, thank you.")


def test_short_acknowledgements_in_a_row_are_stacked() -> None:
    assert stacked_acknowledgements("Yes, exactly. Thank you for understanding. That's correct. No, I don't think so.")
    assert stacked_acknowledgements("Thanks. Thank you! Thanks again. Bye!")
    assert not stacked_acknowledgements("Yes, that's right. The wrap still hasn't come and my meeting is at one.")


class KeywordDetector:
    """A stand-in for the detectors: a greeting is greet_acknowledge, anything with 'calm down' is dismissive."""

    def detect(self, text: str, context: object = None, felt: object = ()) -> list[Detection]:
        if "calm down" in text.lower():
            return [det("dismissive", text)]
        return [det("greet_acknowledge", text)] if text.lower().startswith("hi") else []

    def judge_promises(self, detections: list[Detection], realistic: object, overpromises: object) -> list[Detection]:
        return list(detections)


def test_a_script_is_played_turn_by_turn_and_scored_as_end_does() -> None:
    scenario = LIBRARY.get("cafe_late_order")
    assert scenario is not None
    played = play_lines(scenario, "patient", ["Hi, thanks for waiting.", "ok", "calm down"], KeywordDetector())
    speakers = [t.speaker for t in played.turns]
    assert speakers[:2] == ["customer", "trainee"] and speakers.count("trainee") == 3
    assert all(t.text.strip() for t in played.turns if t.speaker == "customer")
    assert played.state.ended and played.card["skills"]["greet_acknowledge"]["points"] == 15
    assert any(e["skill"] == "dismissive" and e["points"] < 0 for e in played.card["evidence"])


def test_a_question_for_information_is_told_apart_from_one_asking_to_agree() -> None:
    ask = "Where are you staying?"
    assert asks_for_information([det("open_question", ask), det("factual_question", ask)])
    agree = "Does that work for you?"
    assert not asks_for_information([det("closed_question", agree), det("seek_agreement", agree)])
    assert not asks_for_information([det("thank", "Thanks for waiting.")])


def test_a_question_of_which_option_they_would_like_is_answered_by_choosing() -> None:
    from bot.skills.labels import Details, Detection

    ask = "What would you like to do?"
    choosing = Detection("open_question", ask, 0, len(ask), 0.9, details=Details(question_form="open", asks_to_choose=True))
    assert choices([choosing]) == CHOICES and "accept" in CHOICES
    assert not choices([det("open_question", "Where are you staying?")])


def test_the_order_check_wants_excellent_over_average_over_careless_by_a_margin() -> None:
    def result(kind: str, overall: int, scenario: str = "cafe_late_order") -> SessionResult:
        return SessionResult(f"p3-{scenario}-{kind}", kind, (0, 100), overall, None, "p3", scenario)

    rows = order_check([result("excellent", 85), result("average", 50), result("careless", 10),
                        result("excellent", 60, "clinic_billing_error"), result("average", 50, "clinic_billing_error"),
                        result("careless", 40, "clinic_billing_error")])
    assert [(row[1], row[5]) for row in rows] == [("cafe_late_order", True), ("clinic_billing_error", False)]


def test_each_benchmark_rewrites_only_its_own_sections_of_the_page(tmp_path: Path) -> None:
    from bench.playtests import write_section, write_sections

    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nold\n\n## Skill detectors\n\nold a\n\n## Play-test corpus\n\nplayed\n\n"
                    "## Speed and memory\n\nold b\n\n## Load\n\nloaded\n", encoding="utf-8")
    write_sections("# Benchmarks\n\nnew\n\n## Skill detectors\n\nnew a\n\n## Speed and memory\n\nnew b\n", page)
    write_section("## Start-up\n\nstarted\n", page, "## Start-up")
    assert page.read_text(encoding="utf-8") == ("# Benchmarks\n\nnew\n\n## Skill detectors\n\nnew a\n\n## Play-test corpus\n\n"
                                                "played\n\n## Speed and memory\n\nnew b\n\n## Load\n\nloaded\n\n## Start-up\n\nstarted\n")
