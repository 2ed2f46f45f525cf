"""The coach console in Debian's Chromium: sign in, filter, review, comment, correct; then the trainee reads the comment."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from bot.settings import PROJECT_ROOT, get_settings
from bot.store import accounts
from bot.store.db import migrate, session_scope
from tests.coach_data import GOOD_VISIT, store_session
from tests.stack import Stack

pytestmark = [pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "browser-test-password"

if not shutil.which("chromium"):
    pytest.skip("Debian's Chromium is not installed: run `apt-get install chromium`", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, dict[str, str]]]:
    """Only the web app (the review needs no Rasa), on a database with two teams and stored sessions."""
    workdir: Path = tmp_path_factory.mktemp("coach-web")
    stack = Stack(workdir, f"sqlite:///{workdir / 'trainer.db'}", workdir / "tracker.db")
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", stack.database_url)
    get_settings.cache_clear()
    try:
        migrate()
        with session_scope() as db:
            for name, role, team in [("casey", "coach", "A"), ("robin", "trainee", "A"), ("sam", "trainee", "A"), ("alex", "trainee", "B")]:
                accounts.add_user(db, name, role, team, PASSWORD)
        sessions = {name: store_session(name, GOOD_VISIT) for name in ("robin", "sam", "alex")}
        stack.start_web()
        yield stack, sessions
    finally:
        stack.stop()
        mp.undo()
        get_settings.cache_clear()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def sign_in(page: Page, stack: Stack, username: str) -> None:
    page.goto(stack.web_url + "/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coach_reviews_comments_and_corrects_and_the_trainee_sees_it(web: tuple[Stack, dict[str, str]], page: Page) -> None:
    stack, sessions = web
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)

    sign_in(page, stack, "casey")
    expect(page.get_by_role("heading", name="Practice sessions")).to_be_visible()
    rows = page.locator("table.sessions tbody tr")
    expect(rows).to_have_count(2)  # Robin and Sam: team A only
    page.get_by_label("Trainee").fill("rob")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("robin")

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Review: robin", exact=False)).to_be_visible()
    expect(page.locator("mark.evidence").first).to_have_text("thanks for waiting")
    expect(page.locator("canvas#mood-chart[data-drawn=true]")).to_be_visible()

    first = page.locator("#turn-1")
    first.get_by_text("Comment or correct turn #1").click()
    first.get_by_label("Comment on turn #1").fill("Lovely warm opener.")
    first.get_by_role("button", name="Add comment").click()
    expect(page.locator("#turn-1 .comment")).to_have_text("casey: Lovely warm opener.")

    filler = page.locator("#turn-5")
    expect(filler.locator(".moment")).to_have_text("redundant")
    filler.get_by_text("Comment or correct turn #5").click()
    filler.get_by_label("Change").select_option("add")
    filler.get_by_label("Skill").select_option(label="Open-ended questions")
    filler.get_by_label("Reason").fill("In context it invites the customer to go on")
    filler.get_by_role("button", name="Save correction").click()
    expect(page.locator(".detector-score")).to_have_text("27/100")
    expect(page.locator(".coach-score")).to_have_text("32/100")
    expect(page.locator("#turn-5")).to_contain_text("Open-ended questions (added by coach)")
    expect(page.locator("table.audit tbody")).to_contain_text("In context it invites the customer to go on")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coach-review.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, stack, "robin")
    page.goto(f"{stack.web_url}/scorecards/{sessions['robin']}")
    expect(page.locator("#turn-1 .comment")).to_have_text("casey: Lovely warm opener.")
    expect(page.locator(".coach-score")).to_have_text("32/100")
    expect(page.locator(".detector-score")).to_have_text("27/100")
    expect(page.get_by_text("Comment or correct turn #1")).to_have_count(0)
    page.goto(f"{stack.web_url}/scorecards/{sessions['alex']}")
    expect(page.get_by_role("alert")).to_contain_text("No practice session")
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"


def test_progress_over_several_weeks_is_charted_by_the_vendored_library(web: tuple[Stack, dict[str, str]], page: Page) -> None:
    stack, _ = web
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    with session_scope() as db:
        accounts.add_user(db, "dana", "coach", "C", PASSWORD)
        accounts.add_user(db, "kim", "trainee", "C", PASSWORD)
    asked = [*GOOD_VISIT, ("trainee", "What happened with your order?", "understanding", 2, [("open_question", "What happened")]),
             ("customer", "They gave me a latte.", "understanding", 2, [])]
    for day, lines in [(2, GOOD_VISIT[:3]), (9, GOOD_VISIT), (16, GOOD_VISIT), (23, asked)]:
        store_session("kim", lines, started=datetime(2026, 11, day, 9, tzinfo=UTC))
    sign_in(page, stack, "dana")
    expect(page.get_by_role("heading", name="Practice sessions")).to_be_visible()
    page.goto(f"{stack.web_url}/coach/progress/kim")
    chart = page.locator("canvas#overall-chart[data-drawn=true]")
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-label") == "Average overall score by week: 02 Nov 15, 09 Nov 27, 16 Nov 27, 23 Nov 32"
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    pixels = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    assert len(pixels.getcolors(1 << 16) or []) > 20, "the canvas is blank: Chart.js drew nothing"
    skills = page.locator("canvas#skill-week-chart[data-drawn=true]")
    expect(skills).to_be_visible()
    assert (skills.get_attribute("aria-label") or "").startswith(
        "Each skill by week, in percent of its points: Greeting and acknowledging 02 Nov 100, 09 Nov 100, 16 Nov 100, 23 Nov 100; ")
    drawn = Image.open(io.BytesIO(skills.screenshot())).convert("RGB")
    assert len(drawn.getcolors(1 << 16) or []) > 20, "the per-skill canvas is blank: Chart.js drew nothing"
    assert page.evaluate("Chart.getChart(document.getElementById('skill-week-chart')).data.datasets.length") == 12, \
        "a line for each scored skill"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    drawn.save(ARTIFACTS / "progress-skills-chart.png")
    expect(page.locator("table.progress-table tbody tr")).to_have_count(4)
    page.goto(f"{stack.web_url}/coach/progress")
    expect(page.locator("canvas#team-skill-chart[data-drawn=true]")).to_be_visible()
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"
