"""The web app's column of the bad-input matrix: every form and query parameter a user can send, through FastAPI's
test client. Never a 5xx: a clear 4xx message, or the value left out with a note."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import Assignment, SessionReview, Turn, TurnComment
from tests.bad_input import TEXT_CELLS, as_stored, is_blank, long_text
from tests.coach_data import store_session
from tests.web_client import add_users, csrf, csrf_in, sign_in

#: A lone surrogate (U+D800) as a browser that got it wrong would send it: UTF-8-encoded, which UTF-8 forbids.
LONE_SURROGATE = "%ED%A0%80"


def web_client() -> TestClient:
    """The app with server errors given back as 500 responses (as a user would see them), not raised."""
    from bot.web.app import create_app

    return TestClient(create_app(), raise_server_exceptions=False)


def page_text(html: str) -> str:
    """A page's words, tags dropped."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def handled(response: object, *statuses: int) -> str:
    """The page's words, after checking the response is one of `statuses` (never a 5xx)."""
    status = getattr(response, "status_code")  # noqa: B009 - TestClient's response type is httpx's, re-exported
    text = getattr(response, "text")  # noqa: B009
    assert status < 500 and status in statuses, (status, text[:300])
    return page_text(text)


@pytest.fixture
def visit(temp_db: str) -> dict[str, str]:
    """Coach Casey and trainee Robin of team A, admin Root; one ended session of Robin's with its trainee turn's id."""
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("root", "admin", None))
    session = store_session("robin")
    with session_scope() as db:
        turn = db.scalars(select(Turn.id).where(Turn.session_id == session, Turn.index == 1)).one()
    return {"session": session, "turn": str(turn)}


SIGN_IN_CELLS = {"empty": "", "100 kB": quote(long_text(100_000)), "NUL": "%00", "invalid surrogate": LONE_SURROGATE,
                 "script": quote("<script>alert('x')</script>")}


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("cell", list(SIGN_IN_CELLS))
def test_sign_in_refuses_bad_input_plainly(visit: dict[str, str], field: str, cell: str) -> None:
    with web_client() as web:
        token = csrf_in(web.get("/login").text)
        values = {"username": "robin", "password": "correct horse battery", field: SIGN_IN_CELLS[cell]}
        body = f"username={values['username']}&password={values['password']}&csrf_token={token}"
        response = web.post("/login", content=body.encode(), follow_redirects=False,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        said = handled(response, 401, 422)
        assert "Please enter your username and password" in said or "do not match an active account" in said
        assert len(response.text) < 20_000, "a long username is not echoed whole"
        assert web.get("/api/me").status_code == 401, "nobody is signed in"


FORMS = {"comment": ("comments", "text"), "note": ("note", "note"), "reason": ("corrections", "reason")}


def _send(web: TestClient, visit: dict[str, str], form: str, value: str) -> object:
    path, field = FORMS[form]
    data = {"turn_id": visit["turn"], "label": "open_question", "action": "add", "reason": "it invites more",
            field: value, "csrf_token": csrf(web)}
    return web.post(f"/coach/sessions/{visit['session']}/{path}", data=data, follow_redirects=False)


def _stored_texts(form: str) -> list[str]:
    from bot.store.models import LabelCorrection

    column = {"comment": TurnComment.text, "note": SessionReview.note, "reason": LabelCorrection.reason}[form]
    with session_scope() as db:
        return [str(v) for v in db.scalars(select(column))]


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("cell", list(TEXT_CELLS))
def test_a_coachs_free_text_is_kept_whole_or_refused_plainly(visit: dict[str, str], form: str, cell: str) -> None:
    text = TEXT_CELLS[cell]
    with web_client() as web:
        sign_in(web, "casey")
        response = _send(web, visit, form, text)
        if len(text) > 4000:
            assert "at most 4,000 are kept" in handled(response, 422)
            assert _stored_texts(form) == [], "nothing is cut short quietly"
        elif is_blank(text) and form != "note":  # an empty note clears the note
            assert re.search("cannot be empty|give a reason", handled(response, 422))
        else:
            handled(response, 303)
            assert _stored_texts(form) == [as_stored(text)]
            page = web.get(f"/coach/sessions/{visit['session']}").text
            assert "<script>alert" not in page and (not text.strip() or as_stored(text) in page_text(page))


@pytest.mark.parametrize("form", ["comments", "corrections"])
@pytest.mark.parametrize("turn_id", ["abc", "", "1.5", "9" * 30, "-1"])
def test_a_turn_id_that_is_no_turn_is_refused_plainly(visit: dict[str, str], form: str, turn_id: str) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        data = {"turn_id": turn_id, "text": "hi", "label": "thank", "action": "add", "reason": "x", "csrf_token": csrf(web)}
        said = handled(web.post(f"/coach/sessions/{visit['session']}/{form}", data=data), 422)
        assert "not valid: turn_id" in said


@pytest.mark.parametrize(("change", "expected"), [
    ({"label": "not_a_skill"}, "Unknown label 'not_a_skill'. Choose one of:"),
    ({"label": long_text(100_000)}, "Unknown label 'I am very upset"),
    ({"action": "rename"}, "either adds or removes"),
])
def test_a_correction_that_is_no_correction_is_refused_plainly(visit: dict[str, str], change: dict[str, str], expected: str) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        data = {"turn_id": visit["turn"], "label": "thank", "action": "add", "reason": "x", "csrf_token": csrf(web), **change}
        response = web.post(f"/coach/sessions/{visit['session']}/corrections", data=data)
        assert expected in handled(response, 422) and len(response.text) < 50_000


@pytest.mark.parametrize(("query", "note"), [
    ("from=yesterday", "'yesterday' is not a date"),
    ("to=2026-13-45", "is not a date"),
    (f"from={'9' * 8000}", "is not a date"),
    ("min_score=abc", "not a whole number from 0 to 100"),
    ("min_score=%C2%B2", "not a whole number from 0 to 100"),  # a superscript two: a digit to str.isdigit, not to int()
    ("max_score=-5", "not a whole number from 0 to 100"),
    ("page=-1", "not a whole number from 1 to 100000"),
    (f"page={'9' * 5000}", "not a whole number from 1 to 100000"),
    ("sort=password_hash", "'password_hash' is not one of started, score, trainee, scenario"),
    ("order=sideways", "'sideways' is not one of asc, desc"),
])
def test_an_unreadable_filter_is_left_out_of_the_list_with_a_note_and_stops_an_export(visit: dict[str, str], query: str,
                                                                                       note: str) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        listing = handled(web.get(f"/coach?{query}"), 200)
        assert note in listing and "1 session(s)" in listing
        for export in ("export.csv", "export.json", "export.xapi.json"):
            said = handled(web.get(f"/coach/{export}?{query}"), 422)
            assert "The export was not made" in said and note in said


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "trainee=%00", f"trainee={LONE_SURROGATE}",
                                   "team=%3Cscript%3E", f"scenario={'x' * 8000}", "outcome='%20OR%201=1%20--"])
def test_odd_but_readable_filters_just_filter(visit: dict[str, str], query: str) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        listing = web.get(f"/coach?{query}")
        assert "session(s)" in handled(listing, 200) and "<script>" not in listing.text
        for export in ("export.csv", "export.json", "export.xapi.json"):
            handled(web.get(f"/coach/{export}?{query}"), 200)


@pytest.mark.parametrize(("change", "expected"), [
    ({"scenario": "moon_base"}, "Please choose one of the scenarios."),
    ({"scenario": long_text(100_000)}, "Please choose one of the scenarios."),
    ({"difficulty": long_text(100_000)}, "has no difficulty 'I am very upset"),
    ({"due_on": "tomorrow"}, "YYYY-MM-DD"),
    ({"due_on": "2030-02-30"}, "YYYY-MM-DD"),
    ({"due_on": ""}, "YYYY-MM-DD"),
    ({"assignee": "user:abc"}, "Please choose a trainee or a team of yours."),
    ({"assignee": "team:99999999999999999999999"}, "Please choose a trainee or a team of yours."),
    ({"note": long_text(100_000)}, "at most 1,000 are kept"),
])
def test_an_assignment_that_cannot_be_made_is_refused_plainly(visit: dict[str, str], change: dict[str, str], expected: str) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        robin = re.findall(r'value="(user:\d+)"', web.get("/coach/assignments").text)[0]
        data = {"scenario": "cafe_late_order", "difficulty": "patient", "due_on": "2030-01-01", "assignee": robin, "note": "",
                "csrf_token": csrf(web), **change}
        response = web.post("/coach/assignments", data=data, follow_redirects=False)
        assert expected in handled(response, 422) and len(response.text) < 50_000
    with session_scope() as db:
        assert db.scalars(select(Assignment)).all() == []


def test_an_assignment_note_with_nul_is_kept_readable(visit: dict[str, str]) -> None:
    with web_client() as web:
        sign_in(web, "casey")
        robin = re.findall(r'value="(user:\d+)"', web.get("/coach/assignments").text)[0]
        data = {"scenario": "cafe_late_order", "difficulty": "patient", "due_on": "2030-01-01", "assignee": robin,
                "note": TEXT_CELLS["NUL"], "csrf_token": csrf(web)}
        handled(web.post("/coach/assignments", data=data, follow_redirects=False), 303)
    with session_scope() as db:
        assert [a.note for a in db.scalars(select(Assignment))] == [as_stored(TEXT_CELLS["NUL"])]


@pytest.mark.parametrize(("path", "data", "expected"), [
    (f"/admin/users/{'9' * 30}", {"role": "trainee"}, "not valid: user_id"),
    ("/admin/users/abc", {"role": "trainee"}, "not valid: user_id"),
    ("/admin/users", {"username": "new\x00name", "role": "trainee"}, "control characters"),
    ("/admin/users", {"username": long_text(100_000), "role": "trainee"}, "at most 64 characters"),
    ("/admin/users", {"username": "newbie", "role": "<script>"}, "role"),
    ("/admin/users", {"username": "newbie", "role": "trainee", "team": "A\x00B"}, "printable characters"),
    ("/admin/teams", {"name": "\x00"}, "printable characters"),
])
def test_the_admin_forms_refuse_bad_input_plainly(visit: dict[str, str], path: str, data: dict[str, str], expected: str) -> None:
    with web_client() as web:
        sign_in(web, "root")
        assert expected in handled(web.post(path, data={**data, "csrf_token": csrf(web)}), 422)


@pytest.mark.parametrize("path", ["/coach/sessions/{id}", "/coach/sessions/{id}/print", "/scorecards/{id}",
                                  "/api/sessions/{id}/scorecard", "/coach/progress/{id}"])
def test_an_unknown_id_in_a_path_is_a_short_404(visit: dict[str, str], path: str) -> None:
    with web_client() as web:
        sign_in(web, "root")
        for odd in ("x" * 8000, "%00", LONE_SURROGATE, "%3Cscript%3E"):
            response = web.get(path.format(id=odd))
            handled(response, 404)
            html = response.headers["content-type"].startswith("text/html")
            assert len(response.text) < 20_000 and not (html and "<script>" in response.text)
