"""Guides as a reader in trouble uses them on a phone (issue 18, findings 8 and 9): from the home page
to a stage's guides and from guide to guide without JavaScript, and an official number one tap away,
with its source, in the reader's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from devstack.stack import LocalStack

pytestmark = pytest.mark.e2e
JTKSM = "http://jtksm.mohr.gov.my/en/pengendalian-aduan-perburuhan"


def test_a_stage_opens_on_its_guides_and_each_guide_leads_to_the_others(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.url}/")
    abroad = page.locator("details", has=page.locator("summary", has_text="Living and working abroad"))
    passport = abroad.get_by_role("link", name="Your passport is yours")
    expect(passport).to_be_hidden()
    abroad.locator("summary").click()
    expect(abroad.get_by_role("link")).to_have_count(6)
    passport.click()
    expect(page.locator("h1")).to_have_text("Your passport is yours")
    others = page.locator("#more-guides + ul a")
    expect(others).to_have_count(5)
    others.filter(has_text="Wages and deductions").click()
    expect(page.locator("h1")).to_have_text("Wages and deductions")
    expect(page.locator("#more-guides + ul a", has_text="Your passport is yours")).to_have_count(1)
    context.close()


@pytest.mark.parametrize("lang", ["ms", "my", "vi"])
def test_a_worker_whose_passport_is_kept_in_malaysia_finds_the_number_and_its_source(
    browser: Browser, stack: LocalStack, lang: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.url}/{lang}/guides/abroad/passport-confiscation/")
    section = page.locator("#hotlines ~ ul").first
    call = section.locator("a[href='tel:+60380008000']")
    expect(call).to_have_text("03-8000 8000")
    call.scroll_into_view_if_needed()
    expect(call).to_be_visible()
    expect(section.locator(f"a[href='{JTKSM}']")).to_have_count(1)
    expect(page.locator("#hotlines + p")).to_contain_text("2026")
    # The law behind it, on the Malaysia page, in the same language.
    section.locator("a[href$='destinations/malaysia/#hotlines']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/guides/destinations/malaysia/#hotlines$"))
    expect(page.locator("#passport-law")).to_be_attached()
    expect(page.locator("a[href='tel:999']").first).to_be_visible()
    context.close()
