"""Evidence files through the real local server, DynamoDB Local and the local S3: bytes in and out
intact and clean (binary responses as API Gateway carries them), refusals as 4xx with nothing
stored, one upload attached once however many complaints race for it, files that outlive a restart
of the S3 server, and files gone at the end of their case's retention (the clock moved forward)."""

from __future__ import annotations

import base64
import json
import socket
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core import keys
from devstack.stack import LocalStack
from tests import evidence_samples as samples
from tests.conftest import Answer, Viewer, table_items

pytestmark = pytest.mark.integration
COMPLAINT = {
    "category": "unpaid_wages",
    "country": "MY",
    "language": "vi",
    "description": "Ba tháng không được trả lương ở nhà máy.",
    "centre_id": "tj-dushanbe",
}


def upload(viewer: Viewer, data: bytes, headers: dict[str, str] | None = None) -> Answer:
    payload = {"filename": "photo.jpg", "content_type": "image/jpeg", "data": base64.b64encode(data).decode()}
    return viewer.submit("/api/complaints/attachments", payload, headers)


def uploaded(viewer: Viewer, data: bytes) -> str:
    answer = upload(viewer, data)
    assert answer.status == 201, answer.body
    return str(answer.body["attachment_id"])


def stored(stack: LocalStack) -> dict[str, bytes]:
    client = stack.s3.client()
    found = client.list_objects_v2(Bucket=stack.s3.bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=stack.s3.bucket, Key=o["Key"])["Body"].read() for o in found}


def case_of(stack: LocalStack, viewer: Viewer, attachment_id: str) -> dict[str, Any]:
    """The case holding `attachment_id`, as the centre's caseworker reads it."""
    staff = stack.staff_headers("caseworker.dushanbe")
    queue = viewer.call("GET", "/api/staff/complaints?status=new", headers=staff).body["complaints"]
    for summary in sorted(queue, key=lambda c: c["submitted_at"], reverse=True):
        case = viewer.call("GET", f"/api/staff/complaints/{summary['id']}", headers=staff).body
        if any(a["id"] == attachment_id for a in case["attachments"]):
            return dict(case)
    raise AssertionError("no case holds the file")


def test_a_photo_and_a_pdf_go_in_and_out_clean_and_byte_for_byte(stack: LocalStack) -> None:
    viewer = Viewer(stack.url, "127.0.14.1")
    photo, pdf = uploaded(viewer, samples.gps_photo(1600, 1200)), uploaded(viewer, samples.canary_pdf(2))
    filed = viewer.submit("/api/complaints", COMPLAINT | {"attachments": [photo, pdf]})
    assert filed.status == 201, filed.body
    case = case_of(stack, viewer, photo)
    listed = {a["id"]: a for a in case["attachments"]}
    assert listed[photo]["kind"] == "photo" and listed[pdf]["pages"] == 2
    objects = stored(stack)
    staff = stack.staff_headers("caseworker.dushanbe")
    base = f"/api/staff/complaints/{case['id']}/attachments"
    for attachment_id, media_type in ((photo, "image/jpeg"), (pdf, "application/pdf")):
        answer = viewer.call("GET", f"{base}/{attachment_id}", headers={**staff, "Accept": media_type})
        assert answer.status == 200 and answer.headers["content-type"] == media_type
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.body == objects[keys.attachment_object(attachment_id)]  # binary, intact
        samples.assert_no_canary(answer.body)
        assert len(answer.body) == listed[attachment_id]["bytes"]
    samples.assert_image_has_no_metadata(objects[keys.attachment_object(photo)])
    # The files the local S3 keeps on disk hold no canary either (nothing but the clean copy).
    on_disk = [p for p in (stack.config.data_dir / "s3").rglob("*") if p.is_file()]
    for path in on_disk:
        samples.assert_no_canary(path.read_bytes())
    page = viewer.call("GET", f"{base}/{pdf}/pages/1", headers={**staff, "Accept": "image/webp"})
    assert page.status == 200 and page.headers["content-type"] == "image/webp" and page.body[8:12] == b"WEBP"
    # Without an Accept header naming a binary type, API Gateway could not carry bytes: refused plainly.
    refused = viewer.call("GET", f"{base}/{photo}", headers={**staff, "Accept": "application/json"})
    assert refused.status == 400


@pytest.mark.parametrize(
    ("make", "status", "codes"),
    [
        (lambda: b"<html><body>hello</body></html>", 415, {"unsupported_type"}),
        (lambda: samples.active_pdf("open_action_javascript"), 422, {"pdf_active_content"}),
        (lambda: samples.png_bomb(30_000), 422, {"decompression_bomb"}),
        (samples.truncated_jpeg, 422, {"malformed"}),
        # just over 4 MB: read, and refused by the API before the cleaner runs
        (lambda: b"\xff\xd8\xff" + bytes(4 * 1024 * 1024), 413, {"too_large"}),
    ],
    ids=["html-renamed-jpg", "pdf-javascript", "png-bomb", "truncated-jpeg", "five-mb"],
)
def test_refused_files_are_4xx_through_the_server_and_nothing_is_stored(
    stack: LocalStack, make: Any, status: int, codes: set[str]
) -> None:
    viewer = Viewer(stack.url, "127.0.14.2")
    before = set(stored(stack))
    uploads_before = {i["PK"]["S"] for i in table_items(stack) if i["PK"]["S"].startswith("UPLOAD#")}
    answer = upload(viewer, make())
    assert answer.status == status and answer.body["error"]["code"] in codes
    assert set(stored(stack)) == before
    uploads_after = {i["PK"]["S"] for i in table_items(stack) if i["PK"]["S"].startswith("UPLOAD#")}
    assert uploads_after == uploads_before


def test_a_5_mb_file_is_refused_before_its_body_is_read(stack: LocalStack) -> None:
    """Its base64 is over the route's cap: the server answers 413 at once (as CloudFront and API
    Gateway would), to a client that waits for `100 Continue` before sending the body."""
    size = len(json.dumps({"data": base64.b64encode(bytes(5 * 1024 * 1024)).decode()}))
    with socket.create_connection(("127.0.0.1", stack.config.port)) as connection:
        connection.sendall(
            b"POST /api/complaints/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nExpect: 100-continue\r\n" + f"Content-Length: {size}\r\n\r\n".encode()
        )
        connection.settimeout(30)
        received = b""
        while chunk := connection.recv(65536):  # the head and the body may come in two segments
            received += chunk
        answer = received.decode()
    assert answer.startswith("HTTP/1.1 413") or answer.startswith("HTTP/1.0 413")
    assert '"body_too_large"' in answer


def test_complaints_racing_for_one_upload_attach_it_once(stack: LocalStack) -> None:
    viewer = Viewer(stack.url, "127.0.14.3")
    photo = uploaded(viewer, samples.gps_photo(320, 240))
    proofs = [viewer.proof() for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda p: viewer.submit("/api/complaints", COMPLAINT | {"attachments": [photo]}, proof=p), proofs)
        )
    assert sorted(a.status for a in answers) == [201, 400, 400, 400], [a.body for a in answers]
    holders = [i for i in table_items(stack) if i["SK"]["S"] == keys.attachment(photo)]
    assert len(holders) == 1


def test_a_retried_upload_with_its_idempotency_key_is_stored_once(stack: LocalStack) -> None:
    viewer = Viewer(stack.url, "127.0.14.4")
    photo = samples.gps_photo(320, 240)
    before = set(stored(stack))
    key = {"Idempotency-Key": "evidence-retry-0001"}
    first, again = upload(viewer, photo, key), upload(viewer, photo, key)
    assert first.status == again.status == 201 and first.body == again.body
    assert len(set(stored(stack)) - before) == 1


def test_files_outlive_a_restart_of_the_s3_server(stack: LocalStack) -> None:
    viewer = Viewer(stack.url, "127.0.14.5")
    photo = uploaded(viewer, samples.gps_photo(320, 240))
    assert viewer.submit("/api/complaints", COMPLAINT | {"attachments": [photo]}).status == 201
    case = case_of(stack, viewer, photo)
    before = stored(stack)[keys.attachment_object(photo)]
    stack.s3.stop()
    stack.s3.start()
    staff = stack.staff_headers("caseworker.dushanbe")
    path = f"/api/staff/complaints/{case['id']}/attachments/{photo}"
    answer = viewer.call("GET", path, headers={**staff, "Accept": "image/jpeg"})
    assert answer.status == 200 and answer.body == before


def test_after_retention_a_closed_cases_files_are_gone(stack: LocalStack, in_process: LocalStack) -> None:
    from chalicelib.complaints import attachments

    viewer = Viewer(stack.url, "127.0.14.6")
    photo = uploaded(viewer, samples.gps_photo(320, 240))
    assert viewer.submit("/api/complaints", COMPLAINT | {"attachments": [photo]}).status == 201
    case = case_of(stack, viewer, photo)
    manager = stack.staff_headers("manager.dushanbe")
    for status in ("in_progress", "resolved", "closed"):
        moved = viewer.call("POST", f"/api/staff/complaints/{case['id']}/status", {"status": status}, manager)
        assert moved.status == 200, moved.body
    assert keys.attachment_object(photo) in stored(stack)
    # A year and a day later (COMPLAINT_RETENTION_DAYS, 365), the hourly sweep deletes the object.
    later = datetime.now(UTC) + timedelta(days=366)
    while attachments.sweep(later):
        pass
    assert keys.attachment_object(photo) not in stored(stack)
    assert not Path(stack.config.data_dir / "s3" / stack.s3.bucket / "files" / photo).exists()
