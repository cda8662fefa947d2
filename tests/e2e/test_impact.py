"""Feedback reaches the dashboard: a Khmer reader says a guide did not help, and a manager sees the
guide's answers in the staff console once there are enough of them to show (5); fewer read "<5"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.stack import LocalStack
from tests.e2e.test_feedback import guide_helpfulness, say_if_a_guide_helped
from tests.e2e.test_staff import call, origin, sign_in

pytestmark = pytest.mark.e2e
GUIDE = "/km/guides/leaving/money-and-debt/"


def give_page_feedback(stack: LocalStack, helpful: bool) -> None:
    from chalicelib.core import proof

    _, challenge = call(stack, "GET", "/api/challenge")
    solved = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"
    status, answer = call(
        stack,
        "POST",
        "/api/feedback",
        {"kind": "page", "page": GUIDE, "language": "km", "helpful": helpful},
        {"X-Proof": solved},
    )
    assert status == 201, answer


def test_feedback_on_a_khmer_guide_shows_in_the_dashboard(page: Page, browser: Browser, stack: LocalStack) -> None:
    assert guide_helpfulness(stack, GUIDE, "km") == {"helpful_yes": 0, "helpful_no": 0}
    for _ in range(4):
        give_page_feedback(stack, helpful=False)
    say_if_a_guide_helped(page, stack.url, GUIDE, helpful=False, comment="ខ្ញុំចង់ដឹងពីការខ្ចីប្រាក់")
    assert guide_helpfulness(stack, GUIDE, "km") == {"helpful_yes": 0, "helpful_no": 5}

    context = browser.new_context(viewport={"width": 1024, "height": 1366}, locale="en-GB")
    console = context.new_page()
    sign_in(console, stack, "manager.dushanbe")
    console.goto(f"{origin(stack)}/staff/#/dashboard")
    row = console.locator("#d-charts tr", has_text=GUIDE)
    expect(row).to_have_count(1, timeout=20000)
    cells = row.locator("td").all_inner_texts()
    assert "Khmer" in row.locator("th").inner_text() or "ខ្មែរ" in row.locator("th").inner_text()
    assert cells[:2] == ["\u2066<5\u2069", "5"]  # no "yes" answer yet: withheld, never 0; five "no"
    context.close()
