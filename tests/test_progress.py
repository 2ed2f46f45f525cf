"""Weekly progress and the Rule of 1%: the pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.scoring.progress import BEHIND, ON_TRACK, TOO_EARLY, ScoredSession, progress, skill_shares, team_skill_averages, week_of
from bot.skills.labels import scored_skills
from bot.web.charts import line_chart, lines_chart


def s(trainee: str, day: int, overall: int, thank: float = 0.5, bridge: float = 0.5) -> ScoredSession:
    return ScoredSession(trainee, datetime(2026, 11, day, 12, tzinfo=UTC), overall, {"thank": thank, "bridge": bridge})


def test_weeks_start_on_monday_and_average_their_sessions() -> None:
    assert week_of(datetime(2026, 11, 8, 23, tzinfo=UTC)) == date(2026, 11, 2)  # a Sunday
    [robin] = progress([s("robin", 2, 40), s("robin", 4, 60, thank=1.0), s("robin", 10, 55)])
    first, second = robin.weeks
    assert (first.start, first.sessions, first.overall) == (date(2026, 11, 2), 2, 50)
    assert first.skills["thank"] == pytest.approx(0.75) and first.change is None
    assert second.change == 5 and second.skill_changes["thank"] == pytest.approx(-0.25)
    assert robin.trend == 5


def test_the_rule_of_one_percent() -> None:
    steady = progress([s("a", 2, 50), s("a", 9, 51), s("a", 16, 52), s("a", 23, 53)])[0]
    assert steady.status == ON_TRACK and steady.weekly_gain == pytest.approx((1 / 50 + 1 / 51 + 1 / 52) / 3)
    flat = progress([s("b", 2, 50), s("b", 9, 50), s("b", 16, 50)])[0]
    assert flat.status == BEHIND and flat.weekly_gain == 0
    dip = progress([s("c", 2, 50), s("c", 9, 60), s("c", 16, 40)])[0]
    assert dip.status == BEHIND
    one_week = progress([s("d", 2, 50), s("d", 3, 90)])[0]
    assert one_week.status == TOO_EARLY and one_week.weekly_gain is None
    from_zero = progress([s("e", 2, 0), s("e", 9, 5)])[0]
    assert from_zero.status == ON_TRACK, "a first score of 0 counts as 1 so the gain is defined"


def test_weakest_skill_and_team_averages() -> None:
    sessions = [s("a", 2, 50, thank=0.2, bridge=0.9), s("b", 2, 50, thank=1.0, bridge=0.0)]
    a, b = progress(sessions)
    assert (a.trainee, a.weakest_skill) == ("a", "thank") and b.weakest_skill == "bridge"
    assert team_skill_averages(sessions) == {"thank": pytest.approx(0.6), "bridge": pytest.approx(0.45)}


def test_skill_shares_of_a_scorecard() -> None:
    card = {"skills": {"thank": {"points": 3, "max": 6}, "dismissive": {"points": -10, "max": 0}, "bridge": {"points": -2, "max": 3}}}
    assert skill_shares(card) == {"thank": 0.5, "bridge": 0.0}


def test_progress_pages_over_several_weeks_of_stored_sessions(temp_db: str) -> None:
    import re

    from tests.coach_data import GOOD_VISIT, store_session
    from tests.web_client import add_users, charts_in, client, sign_in

    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("alex", "trainee", "B"))
    greeting_only = GOOD_VISIT[:3]
    asked = [*GOOD_VISIT, ("trainee", "What happened with your order?", "understanding", 2, [("open_question", "What happened")]),
             ("customer", "They gave me a latte.", "understanding", 2, [])]
    for day, lines in [(2, greeting_only), (9, GOOD_VISIT), (16, GOOD_VISIT), (23, asked)]:
        store_session("robin", lines, started=datetime(2026, 11, day, 9, tzinfo=UTC))
    store_session("alex", GOOD_VISIT, started=datetime(2026, 11, 2, 9, tzinfo=UTC))
    with client() as web:
        sign_in(web, "casey")
        team = web.get("/coach/progress").text
        assert "team-skill-chart" in charts_in(team) and "Skills as a table" in team
        assert ">robin</a>" in team and "alex" not in team, "only the coach's own team"
        page = web.get("/coach/progress/robin").text
        chart = charts_in(page)["overall-chart"]
        assert chart["kind"] == "line" and chart["labels"] == ["02 Nov", "09 Nov", "16 Nov", "23 Nov"]
        assert chart["values"] == [15, 27, 27, 32] and chart["top"] == 100
        assert chart["alt"] == "Average overall score by week: 02 Nov 15, 09 Nov 27, 16 Nov 27, 23 Nov 32"
        skills = charts_in(page)["skill-week-chart"]
        assert skills["kind"] == "line" and skills["labels"] == chart["labels"] and skills["top"] == 100
        lines = {s["label"]: s["values"] for s in skills["series"]}
        assert list(lines) == [s.name for s in scored_skills()], "one line per scored skill, in the rubric's order"
        assert lines["Greeting and acknowledging"] == [100, 100, 100, 100]
        assert lines["Restating feelings"] == [0, 100, 100, 100] and lines["Open-ended questions"] == [0, 0, 0, 50]
        assert lines["Following up"] == [0, 0, 0, 0]
        assert skills["alt"].startswith("Each skill by week, in percent of its points: "
                                        "Greeting and acknowledging 02 Nov 100, 09 Nov 100, 16 Nov 100, 23 Nov 100; "
                                        "Open-ended questions 02 Nov 0, 09 Nov 0, 16 Nov 0, 23 Nov 50; ")
        assert "; Restating feelings 02 Nov 0, 09 Nov 100, 16 Nov 100, 23 Nov 100; " in skills["alt"]
        assert skills["alt"].count("; ") == len(lines) - 1
        assert re.search(r'<th scope="row">2026-11-23</th>.*?<td>50% <span class="small">\(\+50\)</span></td>', page, re.S), \
            "the table keeps the same numbers"
        weeks = re.findall(r'<th scope="row">(2026-11-\d\d)</th><td>1</td><td>(\d+)</td>\s*<td>([^<]*)</td>', page)
        assert weeks == [("2026-11-02", "15", ""), ("2026-11-09", "27", "+12"), ("2026-11-16", "27", "+0"), ("2026-11-23", "32", "+5")]
        assert "Rule of 1%: on track" in page
        assert web.get("/coach/progress/alex").status_code == 404
    with client() as web:
        sign_in(web, "robin")
        own = web.get("/progress").text
        assert "Your progress" in own and "Rule of 1%: on track" in own
        assert web.get("/coach/progress/robin").status_code == 403


def test_a_chart_of_several_lines_names_every_value_and_its_gaps() -> None:
    chart = lines_chart("c", "Each skill by week, in percent of its points", ["02 Nov", "09 Nov"],
                        [("Thanking", [50, 75.5]), ("Following up", [None, 0])])
    spec = chart.spec()
    assert spec["series"] == [{"label": "Thanking", "values": [50, 75.5]}, {"label": "Following up", "values": [None, 0]}]
    assert spec["labels"] == ["02 Nov", "09 Nov"] and spec["top"] == 100
    assert chart.summary == ("Each skill by week, in percent of its points: Thanking 02 Nov 50, 09 Nov 75.5; "
                             "Following up 02 Nov no value, 09 Nov 0")
    one = line_chart("o", "Score by week", [("02 Nov", 15), ("09 Nov", 27)])
    assert one.spec()["values"] == [15, 27] and one.spec()["series"] == [{"label": "Score by week", "values": [15, 27]}]
    assert one.summary == "Score by week: 02 Nov 15, 09 Nov 27", "one line reads as before"
    assert lines_chart("e", "Nothing", [], [("Thanking", [])]).summary == "Nothing: nothing yet"
    with pytest.raises(ValueError, match="a value"):
        lines_chart("bad", "Short", ["02 Nov", "09 Nov"], [("Thanking", [50])])
