"""The Moments of Truth on every scorecard a user sees: the practice page's fragment, the scorecard page, the coach's
review and print, the API's JSON and `bot report` (the Slack scorecard: tests/test_slack_blocks.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from html import unescape

from bot.settings import PROJECT_ROOT, get_settings
from bot.store.db import session_scope
from bot.store.models import Scorecard
from tests.coach_data import GOOD_VISIT, Line, store_session
from tests.stack import PYTHON
from tests.web_client import add_users, client, csrf, sign_in

#: Turns 1 and 3 positive (a skill, the customer calmer), 5 redundant (a filler), 7 negative (dismissive: -10 and the
#: customer angrier), 9 redundant (a repeat of turn 5), 11 redundant (a filler).
MIXED_VISIT: list[Line] = [
    *GOOD_VISIT,
    ("trainee", "Calm down, that's not my problem.", "understanding", 6, [("dismissive", "Calm down")]),
    ("customer", "Excuse me?", "understanding", 6, []),
    ("trainee", "Ok.", "understanding", 6, []),
    ("customer", "Well?", "understanding", 6, []),
    ("trainee", "Right.", "understanding", 6, []),
    ("customer", "Unbelievable.", "understanding", 6, []),
]
COUNTS = {"positive": 2, "negative": 1, "redundant": 3}
VERDICTS = [(1, "positive"), (3, "positive"), (5, "redundant"), (7, "negative"), (9, "redundant"), (11, "redundant")]
SAID = "2 positive, 1 negative, 3 redundant"


def summary_text(html: str) -> list[str]:
    """Every Moments of Truth summary on a page, as plain text."""
    found = re.findall(r'class="moment-summary">(.*?)</(?:p|dd)>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", f)).split()) for f in found]


def fragment_turns(html: str) -> list[tuple[int, str]]:
    return [(int(n), v) for v, n in re.findall(r'<li class="moment-turn moment-(\w+)">.*?#(\d+)</span>', html, re.S)]


def transcript_turns(html: str) -> list[tuple[int, str]]:
    return [(int(n), v) for n, v in re.findall(r'id="turn-(\d+)" class="turn trainee moment-(\w+)"', html)]


def report(sender: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": get_settings().database_url}
    done = subprocess.run([str(PYTHON), "-m", "bot", "report", sender, *extra], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_every_scorecard_shows_the_moments_of_truth_counts_and_turns(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    session = store_session("robin", MIXED_VISIT, started=datetime(2026, 11, 2, 10, tzinfo=UTC))
    with client() as web:
        sign_in(web, "robin")
        fragment = web.get(f"/scorecards/{session}/fragment").text
        assert summary_text(fragment) == [SAID], "the end-of-practice scorecard"
        assert fragment_turns(fragment) == VERDICTS
        assert "&ldquo;Calm down, that&#39;s not my problem.&rdquo;" in fragment and "cost Dismissive" in fragment

        page = web.get(f"/scorecards/{session}").text
        assert summary_text(page) == [SAID], "the scorecard page: once, in the scores"
        assert transcript_turns(page) == VERDICTS, "and each turn marked in the transcript"

        data = web.get(f"/api/sessions/{session}/scorecard").json()
        assert data["moments_of_truth"]["summary"] == COUNTS
        assert [(m["turn"], m["verdict"]) for m in data["moments_of_truth"]["moments"]] == VERDICTS
        assert data["moments_of_truth"]["moments"][3]["quote"] == "Calm down, that's not my problem."
        assert [t["index"] for t in data["transcript"]] == list(range(len(MIXED_VISIT)))
    with client() as web:
        sign_in(web, "casey")
        for path in [f"/coach/sessions/{session}", f"/coach/sessions/{session}/print"]:
            review = web.get(path).text
            assert summary_text(review) == [SAID] and transcript_turns(review) == VERDICTS, path

    out = json.loads(report("robin-sender", "--json").stdout)
    assert out["moments_of_truth"]["summary"] == COUNTS
    assert [(m["turn"], m["verdict"]) for m in out["moments_of_truth"]["moments"]] == VERDICTS
    text = report("robin-sender").stdout
    assert f"Moments of Truth: {SAID}." in text
    marked = re.findall(r"^#(\d+) +trainee .*<- (\w+): ", text, re.M)
    assert [(int(n), v) for n, v in marked] == VERDICTS


def test_a_scorecard_stored_with_the_old_moments_still_renders_with_the_real_ones(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    session = store_session("robin", MIXED_VISIT)
    with session_scope() as db:  # as scorecards were stored before: won or lost by mood alone
        stored = db.get(Scorecard, session)
        assert stored is not None
        stored.data = {**stored.data, "moments_of_truth": [
            {"turn": 1, "quote": "Hi, thanks for waiting, and I'm sorry it's taken so long.", "effect": "won", "change": -1},
            {"turn": 7, "quote": "Calm down, that's not my problem.", "effect": "lost", "change": 3}]}
        db.commit()
    with client() as web:
        sign_in(web, "robin")
        fragment = web.get(f"/scorecards/{session}/fragment")
        assert fragment.status_code == 200 and summary_text(fragment.text) == [SAID]
        assert fragment_turns(fragment.text) == VERDICTS
        page = web.get(f"/scorecards/{session}")
        assert page.status_code == 200 and summary_text(page.text) == [SAID]
        assert web.get(f"/api/sessions/{session}/scorecard").json()["moments_of_truth"]["summary"] == COUNTS
    with client() as web:
        sign_in(web, "casey")
        assert summary_text(web.get(f"/coach/sessions/{session}").text) == [SAID]
    assert json.loads(report("robin-sender", "--json").stdout)["moments_of_truth"]["summary"] == COUNTS
    with session_scope() as db:
        kept = db.get(Scorecard, session)
        assert kept is not None and isinstance(kept.data["moments_of_truth"], list), "reading changes nothing stored"


def test_the_coach_corrected_moments_stay_on_the_review_and_the_trainees_page(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    session = store_session("robin", MIXED_VISIT)
    with client() as web:
        sign_in(web, "casey")
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text))
        fix = {"turn_id": ids["5"], "label": "open_question", "action": "add", "reason": "It invites them to say more",
               "csrf_token": csrf(web)}
        assert web.post(f"/coach/sessions/{session}/corrections", data=fix, follow_redirects=False).status_code == 303
        corrected = "3 positive, 1 negative, 2 redundant"
        assert summary_text(web.get(f"/coach/sessions/{session}").text) == [corrected]
    with client() as web:
        sign_in(web, "robin")
        page = web.get(f"/scorecards/{session}").text
        assert summary_text(page) == [corrected] and (5, "positive") in transcript_turns(page), "the coach's view"
        detector = web.get(f"/api/sessions/{session}/scorecard").json()
        assert detector["moments_of_truth"]["summary"] == COUNTS, "the detector's scorecard keeps its own"
