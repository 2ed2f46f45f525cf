"""The web app's routes, through FastAPI's test client, on a throw-away database."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot import practice
from bot.store import accounts
from bot.store.db import get_db, session_scope
from bot.web.app import create_app
from bot.web.auth import sign_in as sign_in_verified
from tests.web_client import add_users, charts_in, client, csrf, csrf_in, sign_in


def test_health_and_scenarios_need_no_account(temp_db: str) -> None:
    with client() as web:
        assert web.get("/health").json() == {"status": "ok"}
        assert any(s["id"] == "cafe_late_order" for s in web.get("/api/scenarios").json())


def test_anonymous_visitors_are_sent_to_sign_in(temp_db: str) -> None:
    started = practice.begin("web-trainee", "cafe_late_order", "patient", trainee="Robin")
    practice.finish(started.state, started.session_id, sender_id="web-trainee")
    with client() as web:
        for path in ["/", "/practice", f"/scorecards/{started.session_id}", "/coach", "/coach/calibration", "/admin"]:
            response = web.get(path, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
        assert web.get("/practice", follow_redirects=False).headers["location"] == "/login?next=%2Fpractice"
        assert "Username" in web.get("/login").text
        api = web.get(f"/api/sessions/{started.session_id}/scorecard")
        assert api.status_code == 401 and api.json() == {"error": "Please sign in."}
        assert web.get("/api/practice/web-trainee").status_code == 401


def test_sign_in_with_a_password_and_the_practice_page_names_the_account(temp_db: str) -> None:
    add_users(("sam", "trainee", "Front desk"))
    with client() as web:
        token = csrf_in(web.get("/login").text)
        wrong = web.post("/login", data={"username": "sam", "password": "nope-nope", "csrf_token": token})
        assert wrong.status_code == 401 and "do not match" in wrong.text
        empty = web.post("/login", data={"username": " ", "password": "", "csrf_token": token})
        assert empty.status_code == 422 and "Please enter your username" in empty.text
        sign_in(web, "SAM")  # usernames are matched whatever the case
        page = web.get("/practice")
        assert page.status_code == 200 and "Signed in as <strong>sam</strong>" in page.text
        assert '"trainee": "sam"' in page.text, "the page sends the account's username to Rasa as the trainee"
        assert "Café: a late and wrong lunch order" in page.text
        assert web.get("/login", follow_redirects=False).headers["location"] == "/practice"
        out = web.post("/logout", data={"csrf_token": csrf(web)}, follow_redirects=False)
        assert out.status_code == 303 and web.get("/practice", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_signed_httponly_and_samesite(temp_db: str) -> None:
    add_users(("kim", "trainee", None))
    with client() as web:
        cookie = web.get("/login").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        sign_in(web, "kim")
        value = web.cookies.get("trainer_session")
        assert value
        body, signature = value.rsplit(".", 1)
        web.cookies.clear()
        web.cookies.set("trainer_session", body + "." + signature[::-1])
        assert web.get("/practice", follow_redirects=False).status_code == 303, "a tampered cookie signs nobody in"


def test_a_trainee_sees_only_their_own_scorecards(temp_db: str) -> None:
    add_users(("robin", "trainee", "A"), ("alex", "trainee", "A"))
    mine = practice.begin("robin-sender", "cafe_late_order", "patient", trainee="robin")
    practice.finish(mine.state, mine.session_id, sender_id="robin-sender")
    theirs = practice.begin("alex-sender", "cafe_late_order", "patient", trainee="alex")
    practice.finish(theirs.state, theirs.session_id, sender_id="alex-sender")
    with client() as web:
        sign_in(web, "robin")
        data = web.get(f"/api/sessions/{mine.session_id}/scorecard").json()
        assert data["overall"] == 0 and data["trainee"] == "robin"
        page = web.get(f"/scorecards/{mine.session_id}")
        assert page.status_code == 200 and "Scorecard" in page.text and "Try next time" in page.text
        for path in [f"/scorecards/{theirs.session_id}", f"/scorecards/{theirs.session_id}/fragment",
                     f"/api/sessions/{theirs.session_id}/scorecard"]:
            assert web.get(path).status_code == 404, path
        assert web.get("/api/practice/alex-sender").json() == {"session": None}


def test_missing_and_unfinished_sessions_get_clear_answers(temp_db: str) -> None:
    add_users(("pat", "trainee", None))
    started = practice.begin("web-trainee", "cafe_late_order", "patient", trainee="pat")
    with client() as web:
        sign_in(web, "pat")
        missing = web.get("/api/sessions/nope/scorecard")
        assert missing.status_code == 404 and "No practice session" in missing.json()["error"]
        unfinished = web.get(f"/scorecards/{started.session_id}")
        assert unfinished.status_code == 409 and "has not ended" in unfinished.text


def test_resume_returns_the_latest_session_of_the_signed_in_trainee(temp_db: str) -> None:
    add_users(("lee", "trainee", None))
    started = practice.begin("resume-me", "cafe_late_order", "angry", trainee="lee")
    with client() as web:
        sign_in(web, "lee")
        data = web.get("/api/practice/resume-me").json()["session"]
        assert data["session_id"] == started.session_id and data["difficulty"] == "angry"
        assert data["transcript"][0]["speaker"] == "customer" and not data["ended"]
        assert web.get("/api/practice/nobody").json() == {"session": None}


def test_status_says_which_server_is_down(temp_db: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    with client() as web:
        assert web.get("/api/status").json() == {"rasa": False, "actions": False}


def test_scorecard_fragment_has_the_charts_and_nps(temp_db: str) -> None:
    add_users(("chart", "trainee", None))
    started = practice.begin("chart-trainee", "cafe_late_order", "patient", trainee="chart")
    practice.finish(started.state, started.session_id, sender_id="chart-trainee")
    with client() as web:
        sign_in(web, "chart")
        fragment = web.get(f"/scorecards/{started.session_id}/fragment").text
        charts = charts_in(fragment)
        assert set(charts) == {"stage-chart", "skill-chart"} and "How likely are you to recommend us?" in fragment
        assert charts["stage-chart"]["labels"] == ["Receiving", "Understanding", "Helping", "Keeping"]
        assert charts["stage-chart"]["alt"].startswith("Score per stage: Receiving ")
        assert "<html" not in fragment


def test_every_response_carries_the_security_headers_and_no_cdn_docs(temp_db: str) -> None:
    with client() as web:
        for path in ["/login", "/health", "/static/style.css", "/nowhere"]:
            headers = web.get(path).headers
            policy = headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, path
            assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "same-origin"
        assert web.get("/docs").status_code == 404 and web.get("/api/docs").status_code == 404
        assert web.get("/api/openapi.json").status_code == 200


def test_forms_need_the_csrf_token(temp_db: str) -> None:
    add_users(("root", "admin", None))
    with client() as web:
        web.get("/login")
        refused = web.post("/login", data={"username": "root", "password": "correct horse battery"})
        assert refused.status_code == 403 and "security token" in refused.text
        forged = web.post("/login", data={"username": "root", "password": "correct horse battery", "csrf_token": "forged"})
        assert forged.status_code == 403
        sign_in(web, "root")
        assert web.post("/admin/teams", data={"name": "Night shift"}).status_code == 403
        assert web.post("/logout").status_code == 403
        added = web.post("/admin/teams", data={"name": "Night shift", "csrf_token": csrf(web)})
        assert added.status_code == 200 and "Night shift" in added.text


def test_sign_in_attempts_are_rate_limited(temp_db: str) -> None:
    add_users(("dana", "trainee", None))
    with client() as web:
        token = csrf_in(web.get("/login").text)
        for _ in range(5):
            assert web.post("/login", data={"username": "dana", "password": "wrong-guess", "csrf_token": token}).status_code == 401
        blocked = web.post("/login", data={"username": "dana", "password": "correct horse battery", "csrf_token": token})
        assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text


def test_one_usernames_failures_do_not_lock_out_others_from_the_same_address(temp_db: str) -> None:
    add_users(("dana", "trainee", None), ("lee", "trainee", None))
    with client() as web:  # every request comes from one address, as behind a reverse proxy
        token = csrf_in(web.get("/login").text)
        for name in ("dana", "kit", "max", "ode"):
            for _ in range(5):
                web.post("/login", data={"username": name, "password": "wrong-guess", "csrf_token": token})
        assert web.post("/login", data={"username": "dana", "password": "correct horse battery",
                                        "csrf_token": token}).status_code == 429, "the per-username limit still holds"
        sign_in(web, "lee")  # 20 failures by others from this address have not locked Lee out


def test_the_looser_per_address_limit_still_stops_one_address_trying_many_names() -> None:
    from bot.web.auth import SignInLimiter

    limiter = SignInLimiter(per_account=5, per_address=8)
    for n in range(8):
        limiter.failed(f"name{n}", "10.0.0.1")
    assert limiter.wait_seconds("someone-else", "10.0.0.1") > 0
    assert limiter.wait_seconds("someone-else", "10.0.0.2") == 0, "another address is not affected"
    assert limiter.wait_seconds("name1", "10.0.0.2") == 0, "nor the same username from another address"


def test_sign_in_is_the_seam_a_single_sign_on_callback_calls(temp_db: str) -> None:
    add_users(("oidc-user", "coach", None), ("gone", "trainee", None))
    with session_scope() as db:
        gone = accounts.find_user(db, "gone")
        assert gone is not None
        accounts.update_user(db, gone.id, active=False)
    app = create_app()

    @app.get("/sso/callback")
    def callback(request: Request, username: str, db: Session = Depends(get_db)) -> dict[str, str]:
        user = accounts.find_user(db, username)  # as a callback would, after verifying the provider's token
        assert user is not None
        sign_in_verified(request, user)
        return {"signed_in": user.username}

    with TestClient(app) as web:
        before = csrf_in(web.get("/login").text)
        assert web.get("/sso/callback?username=oidc-user").json() == {"signed_in": "oidc-user"}
        assert web.get("/coach").status_code == 200, "signed in without a password"
        assert web.get("/api/me").json()["csrf_token"] != before, "a new session, with a new CSRF token"
        web.cookies.clear()
        refused = web.get("/sso/callback?username=gone")
        assert refused.status_code == 403 and "deactivated" in refused.text
        assert web.get("/practice", follow_redirects=False).status_code == 303


def test_an_admin_manages_accounts_and_teams(temp_db: str) -> None:
    add_users(("root", "admin", None))
    with client() as web:
        sign_in(web, "root")
        added = web.post("/admin/users", data={"username": "newbie", "role": "trainee", "team": "Café", "password": "",
                                               "csrf_token": csrf(web)})
        assert added.status_code == 200 and "Added newbie (trainee)" in added.text and "shown once" in added.text
        bad = web.post("/admin/users", data={"username": "x", "role": "boss", "csrf_token": csrf(web)})
        assert bad.status_code == 422 and "Unknown role" in bad.text
    with client() as web:
        add_users(("trainee1", "trainee", None))
        sign_in(web, "trainee1")
        assert web.get("/admin").status_code == 403


def _account(username: str) -> tuple[int, str, str | None, bool, bool]:
    """(id, role, team, active, whether the password is 'new-password-1') of an account."""
    with session_scope() as db:
        user = accounts.find_user(db, username)
        assert user is not None
        return (user.id, user.role, user.team.name if user.team else None, user.active,
                accounts.verify_password(user.password_hash, "new-password-1"))


def test_an_admin_changes_an_accounts_role_team_active_flag_and_password(temp_db: str) -> None:
    add_users(("root", "admin", None), ("kim", "trainee", "Day shift"), ("casey", "coach", "Day shift"))
    kim = _account("kim")[0]
    with client() as web:
        sign_in(web, "root")
        form = {"role": "coach", "team": "Night shift", "active": "", "password": "new-password-1", "csrf_token": csrf(web)}
        saved = web.post(f"/admin/users/{kim}", data=form)
        assert saved.status_code == 200 and "Saved kim." in saved.text
        assert _account("kim") == (kim, "coach", "Night shift", False, True)
        again = web.post(f"/admin/users/{kim}", data={**form, "role": "trainee", "team": "", "active": "1", "password": ""})
        assert again.status_code == 200 and _account("kim") == (kim, "trainee", None, True, True), "an empty password keeps it"
        short = web.post(f"/admin/users/{kim}", data={**form, "password": "short"})
        assert short.status_code == 422 and "at least 8 characters" in short.text
        assert web.post("/admin/users/99999", data=form).status_code == 422
        root = _account("root")[0]
        myself = web.post(f"/admin/users/{root}", data={**form, "role": "coach", "active": "1", "password": ""})
        assert myself.status_code == 422 and "your own admin role" in myself.text and _account("root")[1] == "admin"
    with client() as web:
        sign_in(web, "kim", "new-password-1")
    with client() as web:
        sign_in(web, "casey")
        refused = web.post(f"/admin/users/{kim}", data={"role": "admin", "active": "1", "csrf_token": csrf(web)})
        assert refused.status_code == 403 and _account("kim")[1] == "trainee", "a coach cannot change accounts"


def test_the_admins_account_forms_need_the_csrf_token(temp_db: str) -> None:
    add_users(("root", "admin", None), ("kim", "trainee", None))
    kim = _account("kim")[0]
    with client() as web:
        sign_in(web, "root")
        for token in ({}, {"csrf_token": "not-the-token"}):
            added = web.post("/admin/users", data={"username": "sneaky", "role": "admin", "password": "sneaky-password", **token})
            changed = web.post(f"/admin/users/{kim}", data={"role": "admin", "active": "1", **token})
            assert added.status_code == changed.status_code == 403 and "security token" in changed.text
        with session_scope() as db:
            assert accounts.find_user(db, "sneaky") is None
        assert _account("kim")[1] == "trainee"


def test_the_session_secret_is_generated_once_under_var(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import get_settings
    from bot.web import auth

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    get_settings.cache_clear()
    first = auth.session_secret()
    path = tmp_path / "var" / "secrets" / "session_secret"
    assert path.read_text().encode() == first and len(first) >= 32 and (path.stat().st_mode & 0o777) == 0o600
    get_settings.cache_clear()
    assert auth.session_secret() == first, "kept across restarts"
    monkeypatch.setenv("SESSION_SECRET", "from-the-environment")
    get_settings.cache_clear()
    assert auth.session_secret() == b"from-the-environment"
    get_settings.cache_clear()
