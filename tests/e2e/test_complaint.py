"""A worker files an anonymous complaint in Arabic, saves the receipt, and reads a caseworker's
reply with it; text from people is shown as text; the browser's proof of work is the server's."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack

pytestmark = pytest.mark.e2e
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_the_browsers_sha256_is_the_servers(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/complaint/")
    for text in ("", "abc", "1700000000.a1b2c3.deadbeef:12345", "x" * 55, "y" * 56, "z" * 64, "w" * 119):
        words = page.evaluate(
            "async t => (await import('/assets/proof.js')).sha256Words(t)"
            ".map(w => (w >>> 0).toString(16).padStart(8, '0')).join('')",
            text,
        )
        assert words == hashlib.sha256(text.encode()).hexdigest(), text


def complaint_id_for(stack: LocalStack, description: str) -> str:
    items = local_client(stack.dynamodb.endpoint).scan(
        TableName=stack.config.table_name,
        FilterExpression="SK = :m AND description = :d",
        ExpressionAttributeValues={":m": {"S": "META"}, ":d": {"S": description}},
    )["Items"]
    assert len(items) == 1
    return str(items[0]["id"]["S"])


def test_file_in_arabic_save_the_receipt_and_read_the_reply(browser: Browser, in_process: LocalStack) -> None:
    from chalicelib.complaints import service

    stack = in_process
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    dialogs: list[Any] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(f"{stack.url}/ar/complaint/")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")
    expect(page.locator("#complaint")).to_be_visible()
    description = "أخذ صاحب العمل جوازات سفرنا ولم يدفع الأجور منذ شهرين."
    page.locator("#c-category").select_option("passport_confiscated")
    page.locator("#c-country").select_option("MY")
    page.locator("#c-description").fill(description)
    page.locator("#c-woman").check()
    page.locator("#c-submit").click()
    receipt_node = page.locator("#c-receipt")
    expect(receipt_node).to_be_visible(timeout=20000)
    receipt = receipt_node.inner_text()
    assert len(receipt.replace(" ", "")) == 21 and receipt.replace(" ", "") not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the save step: the follow-up link appears once they confirm they kept the receipt
    expect(page.locator("#c-followup")).to_be_hidden()
    page.locator("#c-saved").check()
    expect(page.locator("#c-followup")).to_be_visible()

    # a caseworker answers (the staff console's route calls this), with markup that must stay text
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script> نحن نتابع قضيتك.'
    service.add_reply(complaint_id_for(stack, description), payload)

    page.locator("#c-followup").click()
    expect(page).to_have_url(f"{stack.url}/ar/complaint/follow-up/")
    page.locator("#f-receipt").fill(receipt.translate(ARABIC_DIGITS))  # typed with Arabic-Indic digits
    page.locator("#followup-form button[type=submit]").click()
    reply = page.locator(".px-msg--caseworker p")
    expect(reply).to_have_text(payload)
    assert page.locator(".px-messages img").count() == 0 and page.locator(".px-messages script").count() == 0
    page.locator("#f-reply").fill("شكرا، سأنتظر.")
    page.locator("#f-reply-form button[type=submit]").click()
    expect(page.locator(".px-msg--complainant p")).to_have_text("شكرا، سأنتظر.")
    assert dialogs == []
    context.close()


def test_a_wrong_receipt_says_so(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/complaint/follow-up/")
    page.locator("#f-receipt").fill("1234 5678 9012 3456 78901")
    page.locator("#followup-form button[type=submit]").click()
    expect(page.locator("#f-status")).to_have_text("No complaint matches this receipt number. Check the digits.")
