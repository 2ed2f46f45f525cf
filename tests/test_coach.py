"""The coach console through FastAPI's test client: who sees what, the list's filters, review, comments, corrections."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.coach_data import GOOD_VISIT, store_session
from tests.web_client import add_users, charts_in, client, csrf, sign_in


@pytest.fixture
def teams(temp_db: str) -> dict[str, str]:
    """Team A: coach Casey, trainees Robin and Sam. Team B: coach Blair, trainee Alex. Admin Root."""
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("sam", "trainee", "A"),
              ("blair", "coach", "B"), ("alex", "trainee", "B"), ("root", "admin", None))
    return {
        "robin": store_session("robin", started=datetime(2026, 11, 2, 10, tzinfo=UTC)),
        "sam": store_session("sam", started=datetime(2026, 11, 9, 10, tzinfo=UTC), difficulty="angry", outcome="walked_out"),
        "alex": store_session("alex", started=datetime(2026, 11, 16, 10, tzinfo=UTC)),
    }


def listed(web: TestClient, query: str = "") -> list[str]:
    page = web.get("/coach" + (f"?{query}" if query else ""))
    assert page.status_code == 200, page.text
    return re.findall(r'href="/coach/sessions/([0-9a-f-]{36})"', page.text)


def test_a_coach_sees_only_their_teams_sessions(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "casey")
        assert set(listed(web)) == {teams["robin"], teams["sam"]}
        for path in [f"/coach/sessions/{teams['alex']}", f"/scorecards/{teams['alex']}", f"/api/sessions/{teams['alex']}/scorecard",
                     f"/coach/sessions/{teams['alex']}/print"]:
            assert web.get(path).status_code == 404, path
        refused = web.post(f"/coach/sessions/{teams['alex']}/note", data={"note": "hi", "csrf_token": csrf(web)})
        assert refused.status_code == 404
        assert web.get(f"/coach/sessions/{teams['robin']}").status_code == 200
    with client() as web:
        sign_in(web, "root")
        assert set(listed(web)) == set(teams.values()), "an admin sees every team"


def test_trainees_cannot_open_the_console(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "robin")
        assert web.get("/coach").status_code == 403
        assert web.get(f"/coach/sessions/{teams['robin']}").status_code == 403
        assert web.get("/coach/calibration").status_code == 403
        assert web.get(f"/scorecards/{teams['sam']}").status_code == 404, "not a teammate's scorecard either"


def test_the_list_filters_sorts_and_pages(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "root")
        assert listed(web, "trainee=ROB") == [teams["robin"]]
        assert listed(web, "team=B") == [teams["alex"]]
        assert listed(web, "difficulty=angry") == [teams["sam"]]
        assert listed(web, "outcome=walked_out") == [teams["sam"]]
        assert listed(web, "scenario=cafe_late_order&from=2026-11-05&to=2026-11-16") == [teams["alex"], teams["sam"]]
        assert listed(web, "sort=started&order=asc") == [teams["robin"], teams["sam"], teams["alex"]]
        assert listed(web, "min_score=101") == list(teams.values())[::-1], "an unreadable filter is left out"
        assert "not a whole number from 0 to 100" in web.get("/coach?min_score=101").text
        assert "is not a date" in web.get("/coach?from=yesterday").text
        scores = [int(s) for s in re.findall(r"<td>(\d+)</td>\s*<td>(?:yes)?</td>", web.get("/coach?sort=score&order=desc").text)]
        assert scores == sorted(scores, reverse=True) and len(scores) == 3
        assert scores == [27, 27, 17], "walking out cost Sam 10 points"
        assert listed(web, "max_score=20") == [teams["sam"]]
        assert set(listed(web, "min_score=20&max_score=27")) == {teams["robin"], teams["alex"]}
    for n in range(26):
        store_session("robin", started=datetime(2026, 10, 1, 9, n, tzinfo=UTC))
    with client() as web:
        sign_in(web, "casey")
        first, second = listed(web), listed(web, "page=2")
        assert len(first) == 25 and len(second) == 3 and not set(first) & set(second)
        assert "page 1 of 2" in web.get("/coach").text


def test_the_list_filters_by_scenario_and_sorts_by_trainee_and_scenario(teams: dict[str, str]) -> None:
    airline = store_session("sam", scenario_id="airline_lost_baggage", started=datetime(2026, 11, 20, 10, tzinfo=UTC))
    owner = {**{session: name for name, session in teams.items()}, airline: "sam"}
    with client() as web:
        sign_in(web, "root")
        assert listed(web, "scenario=airline_lost_baggage") == [airline]
        assert listed(web, "scenario=cafe_late_order") == [teams["alex"], teams["sam"], teams["robin"]]
        assert [owner[s] for s in listed(web, "sort=trainee&order=asc")] == ["alex", "robin", "sam", "sam"]
        assert [owner[s] for s in listed(web, "sort=trainee&order=desc")] == ["sam", "sam", "robin", "alex"]
        assert listed(web, "sort=scenario&order=asc")[0] == airline, "airline_lost_baggage before cafe_late_order"
        assert listed(web, "sort=scenario&order=desc")[-1] == airline
        assert 'aria-sort="ascending"' in web.get("/coach?sort=scenario&order=asc").text


def test_the_printable_transcript_has_no_forms_and_a_print_stylesheet(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "casey")
        page = web.get(f"/coach/sessions/{teams['robin']}/print")
        assert page.status_code == 200 and "thanks for waiting" in page.text
        assert "<form" not in page.text and "csrf_token" not in page.text
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)" media="print">', page.text)
        assert sheets, "a stylesheet for paper"
        for href in sheets:
            sheet = web.get(href)
            assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css"), href
            assert ".turn { break-inside: avoid; }" in sheet.text and "form" in sheet.text


def test_the_summary_note_needs_the_csrf_token(teams: dict[str, str]) -> None:
    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        for token in ({}, {"csrf_token": "not-the-token"}):
            refused = web.post(f"/coach/sessions/{session}/note", data={"note": "Forged note", **token})
            assert refused.status_code == 403 and "security token" in refused.text
        assert "Forged note" not in web.get(f"/coach/sessions/{session}").text


def test_review_shows_turns_evidence_stages_mood_and_moments(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "casey")
        page = web.get(f"/coach/sessions/{teams['robin']}").text
        assert '<mark class="evidence" title="Greeting and acknowledging">thanks for waiting</mark>' in page
        assert page.count('class="stage-boundary"') == 2, "receiving, then understanding"
        mood = charts_in(page)["mood-chart"]
        assert mood["kind"] == "line" and len(mood["values"]) >= 2 and "Mood as a table" in page
        assert page.count("moment moment-positive") >= 2 and "a filler: it moved nothing" in page
        assert 'class="detector-score">27/100' in page and "not corrected" in page


def test_a_comment_and_a_note_reach_the_trainee(teams: dict[str, str]) -> None:
    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        review = web.get(f"/coach/sessions/{session}").text
        turn_id = re.findall(r'id="turn-1" class="[^"]*" data-turn-id="(\d+)"', review)[0]
        assert web.post(f"/coach/sessions/{session}/comments", data={"turn_id": turn_id, "text": "Great opener."}).status_code == 403
        empty = web.post(f"/coach/sessions/{session}/comments", data={"turn_id": turn_id, "text": " ", "csrf_token": csrf(web)})
        assert empty.status_code == 422 and "cannot be empty" in empty.text
        done = web.post(f"/coach/sessions/{session}/comments", data={"turn_id": turn_id, "text": "Great opener.", "csrf_token": csrf(web)},
                        follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith("#turn-1")
        web.post(f"/coach/sessions/{session}/note", data={"note": "Keep going: ask what happened next time.", "csrf_token": csrf(web)})
        assert "Great opener." in web.get(f"/coach/sessions/{session}").text
    with client() as web:
        sign_in(web, "robin")
        card = web.get(f"/scorecards/{session}").text
        assert "<strong>casey</strong>: Great opener." in card
        assert "Your coach's note" in card and "Keep going: ask what happened next time." in card
        assert "Moments of Truth" in card and "Comment on turn" not in card, "no coach forms for the trainee"


def test_corrections_rescore_and_keep_both_scores_with_an_audit_trail(teams: dict[str, str]) -> None:
    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        review = web.get(f"/coach/sessions/{session}").text
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', review))
        fix = {"turn_id": ids["5"], "label": "open_question", "action": "add", "reason": "It invites them to say more", "csrf_token": csrf(web)}
        assert web.post(f"/coach/sessions/{session}/corrections", data={**fix, "csrf_token": ""}).status_code == 403
        assert web.post(f"/coach/sessions/{session}/corrections", data=fix, follow_redirects=False).status_code == 303
        again = web.post(f"/coach/sessions/{session}/corrections", data=fix)
        assert again.status_code == 422 and "already has" in again.text
        no_reason = web.post(f"/coach/sessions/{session}/corrections", data={**fix, "label": "thank", "reason": ""})
        assert no_reason.status_code == 422 and "give a reason" in no_reason.text
        customer = web.post(f"/coach/sessions/{session}/corrections", data={**fix, "turn_id": ids["0"], "label": "thank"})
        assert customer.status_code == 422 and "only on the trainee" in customer.text
        remove = {**fix, "turn_id": ids["1"], "label": "greet_acknowledge", "action": "remove", "reason": "Said before greeting"}
        assert web.post(f"/coach/sessions/{session}/corrections", data=remove, follow_redirects=False).status_code == 303
        page = web.get(f"/coach/sessions/{session}").text
        assert 'class="detector-score">27/100' in page and 'class="coach-score">17/100' in page
        assert "Open-ended questions (added by coach)" in page and "<s>Greeting and acknowledging</s> (removed by coach)" in page
        trail = re.findall(r"<td>casey</td>\s*<td>#(\d+)</td><td>(added|removed) ([^<]+)</td><td>([^<]+)</td>", page)
        assert trail == [("5", "added", "Open-ended questions", "It invites them to say more"),
                         ("1", "removed", "Greeting and acknowledging", "Said before greeting")]
        listing = web.get("/coach").text
        assert "27 &rarr; 17 (coach)" in listing
    with client() as web:
        sign_in(web, "robin")
        card = web.get(f"/scorecards/{session}").text
        assert 'class="detector-score">27/100' in card and 'class="coach-score">17/100' in card


def test_script_in_trainee_text_is_shown_as_text(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    lines = [GOOD_VISIT[0], ("trainee", f"Hello {attack}", "receiving", 5, [("greet_acknowledge", "Hello")]), GOOD_VISIT[2]]
    session = store_session("robin", lines)
    with client() as web:
        sign_in(web, "casey")
        turn_id = re.findall(r'id="turn-1" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text)[0]
        web.post(f"/coach/sessions/{session}/comments", data={"turn_id": turn_id, "text": attack, "csrf_token": csrf(web)})
        for page in [web.get(f"/coach/sessions/{session}").text, web.get(f"/coach/sessions/{session}/print").text]:
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    with client() as web:
        sign_in(web, "robin")
        card = web.get(f"/scorecards/{session}").text
        assert "<script>alert" not in card and "&lt;script&gt;" in card


def test_calibration_counts_the_reviewed_turns(teams: dict[str, str]) -> None:
    with client() as web:
        sign_in(web, "casey")
        empty = web.get("/coach/calibration").text
        assert "<strong>0</strong> trainee turns" in empty
        session = teams["robin"]
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text))
        web.post(f"/coach/sessions/{session}/corrections", data={"turn_id": ids["5"], "label": "thank", "action": "add",
                                                               "reason": "x", "csrf_token": csrf(web)})
        page = web.get("/coach/calibration").text
        assert "<strong>3</strong> trainee turns" in page
        row = re.search(r"<th scope=\"row\">Thanking</th>(.*?)</tr>", page, re.S)
        assert row and re.findall(r"<td>([^<]*)</td>", row.group(1)) == ["0", "0", "1", "2", "", "0.00", "0.00"]


def test_corrections_export_writes_the_label_format(teams: dict[str, str]) -> None:
    import json
    import os
    import subprocess

    from bot.settings import PROJECT_ROOT, get_settings
    from tests.stack import PYTHON

    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text))
        web.post(f"/coach/sessions/{session}/corrections", data={"turn_id": ids["3"], "label": "restate_feeling", "action": "remove",
                                                               "reason": "only a label", "csrf_token": csrf(web)})
        web.post(f"/coach/sessions/{session}/corrections", data={"turn_id": ids["3"], "label": "thank", "action": "add",
                                                               "reason": "x", "csrf_token": csrf(web)})
    env = {**os.environ, "DATABASE_URL": get_settings().database_url}
    def export(*extra: str) -> list[dict[str, object]]:
        done = subprocess.run([str(PYTHON), "-m", "bot", "corrections", "export", *extra], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    assert export() == [{"id": f"{session}:3", "text": "That sounds really frustrating.",
                         "context": ["I've been waiting twenty minutes and my order is wrong.", "Well, at least someone noticed."],
                         "labels": ["thank"]}]
    assert [e["id"] for e in export("--all-reviewed")] == [f"{session}:{i}" for i in (1, 3, 5)]


def test_coach_text_with_nul_and_lone_surrogates_is_stored_cleaned_and_shown(teams: dict[str, str]) -> None:
    from bot.store import accounts, repository, reviews
    from bot.store.db import session_scope

    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        turn_id = re.findall(r'id="turn-1" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text)[0]
        # A NUL, and the bytes of a lone surrogate (which the form parser reads as U+FFFD), as a browser could send them.
        body = f"turn_id={turn_id}&text=Great%00opener%ED%A0%80!&csrf_token={csrf(web)}"
        sent = web.post(f"/coach/sessions/{session}/comments", content=body,
                        headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
        assert sent.status_code == 303
        web.post(f"/coach/sessions/{session}/note", data={"note": "Calm\x00 and clear", "csrf_token": csrf(web)})
        page = web.get(f"/coach/sessions/{session}").text
        assert "Great\ufffdopener\ufffd" in page and "Calm\ufffd and clear" in page and "\x00" not in page
    with session_scope() as db:
        stored = repository.get_session(db, session)
        coach = accounts.find_user(db, "casey")
        assert stored is not None and coach is not None
        turn = stored.turns[1]
        # Straight to the store, as a script or another channel could: lone surrogates too.
        comment = reviews.add_comment(db, turn, coach, " a\x00b\ud800c\udfff ")
        correction = reviews.add_correction(db, turn, coach, "thank", "add", "why\x00\udc80")
        note = reviews.save_review(db, session, coach, "note\ud83d\x00")
        assert (comment.text, correction.reason, note.note) == ("a\ufffdb\ufffdc\ufffd", "why\ufffd\ufffd", "note\ufffd\ufffd")
        texts = [c.text for c in reviews.comments_by_turn(db, session)[turn.id]]
        assert texts[1] == "a\ufffdb\ufffdc\ufffd" and texts[0].startswith("Great\ufffdopener\ufffd") and texts[0].endswith("!")
        assert not any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in texts[0])


def test_a_database_out_of_reach_gets_a_clear_503_not_a_500(teams: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.store import reviews
    from bot.web.app import DATABASE_AWAY, NOT_SAVED

    def away(*_: object, **__: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server: Connection refused"))

    session = teams["robin"]
    with client() as web:
        sign_in(web, "casey")
        turn_id = re.findall(r'id="turn-1" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text)[0]
        token = csrf(web)
        monkeypatch.setattr(reviews, "list_sessions", away)
        listed = web.get("/coach")
        assert listed.status_code == 503 and DATABASE_AWAY in listed.text and listed.headers["Retry-After"] == "10"
        monkeypatch.setattr(reviews, "add_comment", away)
        posted = web.post(f"/coach/sessions/{session}/comments", data={"turn_id": turn_id, "text": "Good.", "csrf_token": token})
        assert posted.status_code == 503 and NOT_SAVED in posted.text
