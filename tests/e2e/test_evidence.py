"""Evidence files in Chromium: a 360-px phone in Vietnamese attaches a photo taken with GPS and a
canary in EXIF, XMP and a JPEG comment, plus a PDF with a canary author and title, and files the
complaint; the centre's caseworker sees the photo inline and the PDF as page images. The bytes
that reached the server (the requests, intercepted), the stored objects and the downloaded files
hold no canary and no GPS. Files the server refuses are said why in the page's language, and
nothing of them is stored."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Page, Request, expect

from chalicelib.core import keys
from devstack.stack import LocalStack
from tests import evidence_samples as samples
from tests.conftest import table_items
from tests.e2e.test_staff import console as console
from tests.e2e.test_staff import sign_in

pytestmark = pytest.mark.e2e
VI = {
    line.split(": ", 1)[0]: json.loads(line.split(": ", 1)[1])
    for line in Path(__file__)
    .resolve()
    .parents[2]
    .joinpath("content", "ui", "vi.yaml")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.startswith("evidence.")
}


# What a canvas's JPEG holds before its picture: JFIF, Chromium's generic sRGB profile (APP2, the
# same for every photo: it says nothing of the phone), quantisation and Huffman tables, the frame.
REDRAWN_SEGMENTS = {0xE0, 0xE2, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD}


def jpeg_segments(data: bytes) -> set[int]:
    """The markers of a JPEG's segments before its scan (APP1 is EXIF or XMP, APP13 IPTC, COM a comment)."""
    found, i = set(), 2
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        found.add(data[i + 1])
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return found


def stored(stack: LocalStack) -> dict[str, bytes]:
    client = stack.s3.client()
    found = client.list_objects_v2(Bucket=stack.s3.bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=stack.s3.bucket, Key=o["Key"])["Body"].read() for o in found}


def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True)
    return context.new_page()


def file_input(page: Page, name: str, data: bytes, mime: str) -> FilePayload:
    """A file as the phone's picker gives it (its name stays on the phone)."""
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_phone_in_vietnamese_sends_a_clean_photo_and_pdf_the_caseworker_sees_them(
    browser: Browser,
    stack: LocalStack,
    console: Any,
) -> None:
    page = phone(browser)
    sent: list[bytes] = []

    def keep(request: Request) -> None:
        if request.url.endswith("/api/complaints/attachments") and request.method == "POST":
            sent.append(base64.b64decode(json.loads(request.post_data_buffer or b"{}")["data"]))

    page.on("request", keep)
    page.goto(f"{stack.url}/vi/complaint/")
    expect(page.locator("#c-evidence")).to_be_visible()
    photo = samples.gps_photo(3000, 2250)  # a phone camera's size: redrawn to 2,000 px on the phone
    pdf = samples.canary_pdf(2)
    page.locator("#c-files").set_input_files(
        [
            file_input(page, "nhà-trọ GPS.jpg", photo, "image/jpeg"),
            file_input(page, "hợp đồng.pdf", pdf, "application/pdf"),
        ]
    )
    files = page.locator("#c-file-list li")
    expect(files).to_have_count(2)
    expect(page.locator("#c-file-list .px-evidence__file--sent")).to_have_count(2, timeout=30000)
    expect(files.first).to_contain_text(VI["evidence.sent"])
    description = "Chủ lao động giữ hộ chiếu và không trả lương ba tháng. Đây là ảnh và hợp đồng."
    page.locator("#c-category").select_option("unpaid_wages")
    page.locator("#c-country").select_option("MY")
    page.locator("#c-description").fill(description)
    page.locator("#c-centre").select_option("tj-dushanbe")
    page.locator("#c-submit").click()
    expect(page.locator("#c-receipt")).to_be_visible(timeout=30000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()

    # What reached the server: a redrawn JPEG (no metadata at all, at most 2,000 px) and the PDF,
    # sent under a neutral name; the server cleaned the PDF before storing it.
    assert len(sent) == 2
    redrawn = next(data for data in sent if data[:3] == b"\xff\xd8\xff")
    samples.assert_no_canary(redrawn)
    assert jpeg_segments(redrawn) <= REDRAWN_SEGMENTS, jpeg_segments(redrawn)  # no EXIF (GPS), XMP, IPTC, comment
    assert len(redrawn) < len(photo) and len(redrawn) < 1024 * 1024
    objects = stored(stack)
    for data in objects.values():
        samples.assert_no_canary(data)

    # The caseworker of the centre: the photo inline (a blob: URL under img-src), the PDF as pages.
    page, seen = console
    sign_in(page, stack, "caseworker.dushanbe")
    page.locator("#q-list a", has_text="Unpaid wages").first.click()
    expect(page.locator("#c-files li")).to_have_count(2, timeout=20000)
    inline = page.locator("#c-files img.px-staff-photo")
    expect(inline).to_have_count(1)
    expect(inline).to_have_js_property("complete", True)
    assert inline.get_attribute("src", timeout=5000).startswith("blob:")
    assert page.evaluate("document.querySelector('#c-files img.px-staff-photo').naturalWidth") > 0
    holders = page.locator("#c-files .px-staff-page-holder")
    expect(holders).to_have_count(2)
    for n in range(2):  # each page is fetched (and written to the audit trail) when it comes into view
        holders.nth(n).scroll_into_view_if_needed()
        expect(holders.nth(n).locator("img.px-staff-page")).to_have_count(1, timeout=20000)
    assert page.evaluate("document.querySelector('#c-files img.px-staff-page').naturalWidth") > 0
    with page.expect_download() as download_info:
        page.locator("#c-files .px-staff-file--document button.px-staff-download").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert downloaded.startswith(b"%PDF") and downloaded in objects.values()
    samples.assert_no_canary(downloaded)
    assert seen["csp"] == [] and seen["errors"] == [] and seen["dialogs"] == []


@pytest.mark.parametrize(
    ("name", "make", "mime", "code"),
    [
        ("anh.jpg", lambda: samples.HTML_AS_JPG, "image/jpeg", "unsupported_type"),
        ("hop-dong.pdf", lambda: samples.active_pdf("open_action_javascript"), "application/pdf", "pdf_active_content"),
        ("bom.png", lambda: samples.png_bomb(30_000), "image/png", "decompression_bomb"),
        ("hong.jpg", samples.truncated_jpeg, "image/jpeg", "malformed"),
        ("lon.pdf", lambda: b"%PDF-1.7\n" + bytes(5 * 1024 * 1024), "application/pdf", "too_large"),
    ],
    ids=["html-renamed-jpg", "pdf-javascript", "png-bomb", "truncated-jpeg", "five-mb"],
)
def test_a_refused_file_says_why_in_vietnamese_and_nothing_is_stored(
    browser: Browser, stack: LocalStack, name: str, make: Any, mime: str, code: str
) -> None:
    page = phone(browser)
    answers: list[int] = []
    page.on(
        "response",
        lambda r: answers.append(r.status) if r.url.endswith("/api/complaints/attachments") else None,
    )
    before = set(stored(stack))
    uploads = {i["PK"]["S"] for i in table_items(stack) if i["PK"]["S"].startswith("UPLOAD#")}
    page.goto(f"{stack.url}/vi/complaint/")
    page.locator("#c-files").set_input_files([file_input(page, name, make(), mime)])
    refused = page.locator("#c-file-list .px-evidence__file--refused")
    expect(refused).to_have_count(1, timeout=30000)
    expect(refused).to_contain_text(VI[f"evidence.error.{code}"])
    # A file over 4 MB is refused on the phone, before any byte is sent; the others by the server.
    assert answers == ([] if code == "too_large" else [answers[0]]) and all(400 <= s < 500 for s in answers)
    assert set(stored(stack)) == before
    assert {i["PK"]["S"] for i in table_items(stack) if i["PK"]["S"].startswith("UPLOAD#")} == uploads
    page.context.close()


def test_an_upload_survives_a_dropped_connection_and_is_stored_once(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser)
    tries: list[str] = []

    def drop_first(route: Any) -> None:
        tries.append(route.request.headers.get("idempotency-key", ""))
        if len(tries) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/complaints/attachments", drop_first)
    before = set(stored(stack))
    page.goto(f"{stack.url}/vi/complaint/")
    page.locator("#c-files").set_input_files([file_input(page, "a.jpg", samples.gps_photo(640, 480), "image/jpeg")])
    expect(page.locator("#c-file-list .px-evidence__file--sent")).to_have_count(1, timeout=30000)
    assert len(tries) == 2 and tries[0] == tries[1] and tries[0]
    assert len(set(stored(stack)) - before) == 1
    page.context.close()


def test_a_follow_up_message_carries_a_file(browser: Browser, stack: LocalStack) -> None:
    from tests.e2e.test_staff import file_complaint

    receipt = file_complaint(stack, description="Chủ lao động không trả lương.")
    page = phone(browser)
    page.goto(f"{stack.url}/vi/complaint/follow-up/")
    page.locator("#f-receipt").fill(receipt)
    page.locator("#followup-form button[type=submit]").click()
    expect(page.locator("#f-complaint")).to_be_visible(timeout=20000)
    page.locator("#f-files").set_input_files([file_input(page, "b.jpg", samples.gps_photo(640, 480), "image/jpeg")])
    expect(page.locator("#f-file-list .px-evidence__file--sent")).to_have_count(1, timeout=30000)
    page.locator("#f-reply-form button[type=submit]").click()
    expect(page.locator("#f-sent-files")).to_have_text(VI["evidence.sent_count"].replace("{n}", "1"), timeout=20000)
    holders = [i for i in table_items(stack) if i["SK"]["S"].startswith(keys.ATTACHMENT)]
    assert holders
    page.context.close()
