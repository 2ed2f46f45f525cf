"""Helpers for the web tests: accounts on the test database, signing in through /login, CSRF tokens."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

from bot.store import accounts
from bot.store.db import migrate, session_scope

PASSWORD = "correct horse battery"


def client() -> TestClient:
    from bot.web.app import create_app

    return TestClient(create_app())


def add_users(*rows: tuple[str, str, str | None]) -> None:
    """(username, role, team) accounts, each with PASSWORD."""
    migrate()
    with session_scope() as db:
        for username, role, team in rows:
            accounts.add_user(db, username, role, team, PASSWORD)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(web: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_in(web.get("/login").text)
    response = web.post("/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text


def csrf(web: TestClient) -> str:
    """The signed-in visitor's CSRF token."""
    return str(web.get("/api/me").json()["csrf_token"])


def charts_in(html: str) -> dict[str, dict[str, Any]]:
    """Each chart on a page, by its canvas id: the data the page's chart script draws, and its text alternative."""
    found = {}
    for canvas in re.finditer(r"<canvas id=\"([\w-]+)\" class=\"chart\" role=\"img\" aria-label=\"([^\"]*)\" data-chart='([^']*)'", html):
        found[canvas.group(1)] = {**json.loads(unescape(canvas.group(3))), "alt": unescape(canvas.group(2))}
    return found
