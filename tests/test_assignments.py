"""Assignments: a coach sets a scenario for a trainee or the team; trainees see theirs; the coach sees who did it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.coach_data import GOOD_VISIT, store_session
from tests.web_client import add_users, client, csrf, sign_in


def test_assign_to_the_team_and_follow_who_has_done_it(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("sam", "trainee", "A"), ("alex", "trainee", "B"))
    due = (date.today() + timedelta(days=7)).isoformat()
    with client() as web:
        sign_in(web, "casey")
        page = web.get("/coach/assignments").text
        team_a = re.search(r'<option value="(team:\d+)">Team: A', page)
        assert team_a and "alex" not in page, "a coach assigns only to their own team"
        bad = web.post("/coach/assignments", data={"assignee": team_a.group(1), "scenario": "cafe_late_order", "difficulty": "furious",
                                                   "due_on": due, "csrf_token": csrf(web)})
        assert bad.status_code == 422 and "no difficulty &#39;furious&#39;" in bad.text
        other = web.post("/coach/assignments", data={"assignee": "team:999", "scenario": "cafe_late_order", "difficulty": "angry",
                                                     "due_on": due, "csrf_token": csrf(web)})
        assert other.status_code == 422 and "a trainee or a team of yours" in other.text
        assert web.post("/coach/assignments", data={"assignee": team_a.group(1), "scenario": "cafe_late_order",
                                                    "difficulty": "angry", "due_on": due}).status_code == 403
        done = web.post("/coach/assignments", data={"assignee": team_a.group(1), "scenario": "cafe_late_order", "difficulty": "angry",
                                                    "due_on": due, "note": "Practise staying calm", "csrf_token": csrf(web)},
                        follow_redirects=False)
        assert done.status_code == 303
    session = store_session("robin", GOOD_VISIT, difficulty="angry")
    store_session("sam", GOOD_VISIT, difficulty="patient")
    with client() as web:
        sign_in(web, "robin")
        practice = web.get("/practice").text
        assert "Your assignments" in practice and f"due {due}: Practise staying calm" in practice
        assert f'best score <a href="/scorecards/{session}">27/100</a>' in practice
    with client() as web:
        sign_in(web, "sam")
        assert "not done yet" in web.get("/practice").text, "the patient one is not the assigned angry customer"
    with client() as web:
        sign_in(web, "casey")
        rows = re.findall(r'<th scope="row">(\w+)</th><td>([^<]+)</td>\s*<td>(?:<a href="[^"]+">(\d+)</a>)?</td>', web.get("/coach/assignments").text)
        assert rows == [("robin", "yes", "27"), ("sam", "not yet", "")]
    with client() as web:
        sign_in(web, "alex")
        assert "Your assignments" not in web.get("/practice").text


def test_assign_to_one_trainee_only_they_see_it(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("sam", "trainee", "A"))
    due = (date.today() + timedelta(days=3)).isoformat()
    with client() as web:
        sign_in(web, "casey")
        robin = re.search(r'<option value="(user:\d+)">robin', web.get("/coach/assignments").text)
        assert robin, "each trainee of the team is a choice"
        done = web.post("/coach/assignments", data={"assignee": robin.group(1), "scenario": "cafe_late_order", "difficulty": "patient",
                                                    "due_on": due, "note": "Just for Robin", "csrf_token": csrf(web)},
                        follow_redirects=False)
        assert done.status_code == 303
        rows = re.findall(r'<th scope="row">(\w+)</th><td>([^<]+)</td>', web.get("/coach/assignments").text)
        assert rows == [("robin", "not yet")], "only Robin is to do it"
    with client() as web:
        sign_in(web, "robin")
        page = web.get("/practice").text
        assert "Your assignments" in page and f"due {due}: Just for Robin" in page
    with client() as web:
        sign_in(web, "sam")
        page = web.get("/practice").text
        assert "Your assignments" not in page and "Just for Robin" not in page
