"""A person opens the portal: the home page in two languages, and the centre list from the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from devstack.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_home_page_in_english_and_french(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Safe migration, step by step")
    page.goto(f"{stack.url}/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).not_to_have_text("Safe migration, step by step")
    assert page.console_errors == [], page.console_errors  # type: ignore[attr-defined]


def test_arabic_home_page_is_right_to_left(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/ar/")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")


def test_centre_list_is_loaded_from_the_api(page: Page, stack: LocalStack) -> None:
    api_calls: list[str] = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/centres" in r.url else None)
    page.goto(f"{stack.url}/ru/centres/")
    centre_list = page.locator("#centre-list")
    expect(centre_list).to_have_attribute("data-source", "api")
    assert any(re.search(r"/api/centres\?lang=ru$", url) for url in api_calls), api_calls
    names = page.locator("#centre-list .px-centre__name")
    assert names.count() >= 20
    expect(page.locator("#centre-status")).to_have_text(re.compile(rf"\b{names.count()}\b"))
    assert page.console_errors == [], page.console_errors  # type: ignore[attr-defined]


def test_no_request_leaves_the_origin(page: Page, stack: LocalStack) -> None:
    origins: set[str] = set()
    page.on("request", lambda r: origins.add(re.sub(r"^(\w+://[^/]+).*$", r"\1", r.url)))
    for path in ("/", "/centres/", "/guides/abroad/passport-confiscation/"):
        page.goto(f"{stack.url}{path}")
        page.wait_for_load_state("networkidle")
    assert origins == {stack.url}, origins
