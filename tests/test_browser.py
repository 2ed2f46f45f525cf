"""The trainee's page in a real headless Chromium (Debian's), against the real stack."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from bot.settings import PROJECT_ROOT
from bot.store import accounts
from bot.store.db import migrate, session_scope
from tests.stack import Stack, start_stack

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.models]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
PASSWORD = "browser-test-password"
TRAINEES = ("Sam Lee", "Kim", "Lee", "Alex")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not shutil.which("chromium"):
    pytest.skip("Debian's Chromium is not installed: run `apt-get install chromium` (make test does it where it runs as root)",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, WebSocketRoute, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("browser-stack"))
    try:
        migrate(running.database_url)
        with session_scope(running.database_url) as db:
            for name in TRAINEES:
                accounts.add_user(db, name, "trainee", "Floor", PASSWORD)
        running.start_web()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def sign_in_with_the_keyboard(page: Page, stack: Stack, name: str) -> None:
    page.goto(stack.web_url + "/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # A generous wait: on a busy two-core machine the first page after signing in can take several seconds.
    expect(page.get_by_label("Scenario")).to_be_focused(timeout=20000)


def say(page: Page, text: str) -> None:
    before = page.locator(".line.customer").count()
    box = page.get_by_label("Your reply to the customer")
    box.fill(text)
    box.press("Enter")
    # A locator wait, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings.
    page.locator(".line.customer").nth(before).wait_for(timeout=30000)


def current_stage(page: Page) -> str:
    return page.locator("#stages li[aria-current=step]").inner_text().strip().lower()


def test_a_trainee_signs_in_plays_a_scenario_to_the_end_and_sees_the_scorecard(stack: Stack, page: Page) -> None:
    sign_in_with_the_keyboard(page, stack, "Sam Lee")
    page.get_by_label("Scenario").select_option("cafe_late_order")
    page.get_by_label("Impatient").check()
    page.keyboard.press("Tab")  # from the radio buttons to "Meet the customer"
    expect(page.get_by_role("button", name="Meet the customer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".line.customer").first).to_be_visible(timeout=30000)
    assert current_stage(page) == "receiving"

    stages = []
    for text in [
        "Hi, thanks for waiting, and I'm sorry it's taken so long. What happened?",
        "That sounds really frustrating, especially when you're in a rush.",
        "How is this affecting the rest of your day?",
        "So you ordered a wrap and a flat white twenty minutes ago and got a latte.",
        "I can make you a fresh flat white and pack the wrap to take away. It'll be ready in about five minutes.",
        "Would that work for you?",
        "Is everything sorted to your satisfaction now? Thank you for your patience.",
    ]:
        say(page, text)
        stages.append(current_stage(page))
    assert list(dict.fromkeys(stages)) == ["understanding", "helping", "keeping"]

    scorecard = page.locator("#scorecard")
    expect(scorecard.locator(".overall")).to_be_visible(timeout=30000)
    assert int(scorecard.locator(".overall").inner_text()) >= 60
    expect(scorecard.get_by_text("How likely are you to recommend us?")).to_be_visible()
    expect(scorecard.locator("canvas.chart[data-drawn=true]")).to_have_count(2)  # drawn by the vendored Chart.js
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scorecard.png"), full_page=True)

    link = scorecard.get_by_role("link", name="Link to this scorecard").get_attribute("href")
    assert link and link.startswith("/scorecards/")
    page.reload()
    expect(page.locator("#scorecard .overall")).to_be_visible(timeout=30000)
    assert page.locator(".line.trainee").count() == 7, "a reload resumes the session with its transcript"
    page.goto(stack.web_url + link)
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()


def test_hint_and_every_control_has_a_label(stack: Stack, page: Page) -> None:
    sign_in_with_the_keyboard(page, stack, "Kim")
    page.get_by_role("button", name="Meet the customer").click()
    expect(page.locator(".line.customer").first).to_be_visible(timeout=30000)
    page.get_by_role("button", name="Hint").click()
    expect(page.locator("#hint-box")).to_contain_text("Receiving", timeout=30000)
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.id || el.name)""")
    assert unlabelled == []


def test_a_click_while_the_page_is_still_connecting_is_sent_once_connected(stack: Stack, page: Page) -> None:
    held: list[WebSocketRoute] = []
    released: list[bool] = []

    def hold(socket: WebSocketRoute) -> None:
        if released:
            socket.connect_to_server()
        else:
            held.append(socket)

    page.route_web_socket(re.compile(r"/socket\.io/"), hold)
    sign_in_with_the_keyboard(page, stack, "Lee")
    page.get_by_role("button", name="Meet the customer").click()
    expect(page.locator("#status")).to_contain_text("Connecting to the practice server")
    released.append(True)
    for socket in held:
        socket.connect_to_server()
    expect(page.locator(".line.customer").first).to_be_visible(timeout=30000)


def test_the_page_says_plainly_when_the_action_server_is_down(stack: Stack, page: Page) -> None:
    sign_in_with_the_keyboard(page, stack, "Alex")
    page.get_by_role("button", name="Meet the customer").click()
    expect(page.locator(".line.customer").first).to_be_visible(timeout=30000)
    stack.stop("actions")
    box = page.get_by_label("Your reply to the customer")
    box.fill("Hello, thanks for waiting.")
    box.press("Enter")
    status = page.locator("#status")
    expect(status).to_contain_text("action server is not running", timeout=30000)
    expect(box).to_have_value("Hello, thanks for waiting.", timeout=30000)
    page.screenshot(path=str(ARTIFACTS / "action-server-down.png"))

