"""Evidence files on complaints, in process with moto (S3 and DynamoDB): the upload route and its
refusals, attaching once, what staff may read (and the audit line each read writes), and deletion
on time, with the clock moved forward. The same flows run against DynamoDB Local and the local S3
through the real server in tests/integration/test_attachments.py, and in Chromium in
tests/e2e/test_evidence.py."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib.complaints import attachments
from chalicelib.core import keys
from chalicelib.core.aws import dynamodb_client
from tests import evidence_samples as samples
from tests.unit.conftest import TABLE, body, solved
from tests.unit.test_complaints import COMPLAINT
from tests.unit.test_staff import call
from tests.unit.test_staff import staff as staff

BUCKET = "passerelle-attachments-unit"
JSON = {"Content-Type": "application/json"}
NAME_CANARY = "dormitory-Nguyễn-Văn-A-GPS.jpg"


@pytest.fixture
def api(staff: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("ATTACHMENTS_BUCKET", BUCKET)
    from chalicelib.core.aws import reset_clients
    from chalicelib.core.settings import get_settings

    reset_clients()
    # cached now, outside a request: Chalice's test client sets the stage's TABLE_NAME during one
    assert get_settings().table_name == TABLE and get_settings().attachments_bucket == BUCKET
    attachments.cleaner.cache_clear()
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    yield staff


def s3() -> Any:
    return boto3.client("s3", region_name="eu-west-1")


def objects() -> dict[str, bytes]:
    listed = s3().list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3().get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def table_items() -> list[dict[str, Any]]:
    return dynamodb_client().scan(TableName=TABLE)["Items"]


def upload(api: Client, data: bytes, *, name: str = NAME_CANARY, headers: dict[str, str] | None = None) -> Any:
    payload = {"filename": name, "content_type": "image/jpeg", "data": base64.b64encode(data).decode()}
    return api.http.post(
        "/api/complaints/attachments",
        body=json.dumps(payload),
        headers={**JSON, "X-Proof": solved(api), **(headers or {})},
    )


def uploaded(api: Client, data: bytes) -> str:
    answer = upload(api, data)
    assert answer.status_code == 201, answer.body
    return str(body(answer)["attachment_id"])


def file_with(api: Client, ids: list[str], **changes: Any) -> Any:
    payload = COMPLAINT | {"centre_id": "tj-dushanbe", "attachments": ids} | changes
    return api.http.post("/api/complaints", body=json.dumps(payload), headers={**JSON, "X-Proof": solved(api)})


def case_id(api: Client, user: str = "admin") -> str:
    queue = body(call(api, "GET", "/api/staff/complaints?status=new", user))["complaints"]
    return str(max(queue, key=lambda c: c["submitted_at"])["id"])


# ---- receiving ---------------------------------------------------------------------------------


def test_a_photo_is_stored_clean_under_a_random_key_and_its_name_nowhere(api: Client, log_lines: Any) -> None:
    answer = upload(api, samples.gps_photo())
    assert answer.status_code == 201
    sent = body(answer)
    assert set(sent) == {"attachment_id", "kind", "bytes"} and sent["kind"] == "photo"
    stored = objects()
    assert list(stored) == [keys.attachment_object(sent["attachment_id"])]
    (clean,) = stored.values()
    assert len(clean) == sent["bytes"]
    samples.assert_no_canary(clean)
    samples.assert_image_has_no_metadata(clean)
    # Neither the name nor the declared type is kept or logged, anywhere.
    everything = json.dumps(table_items(), ensure_ascii=False) + log_lines.getvalue()
    assert "dormitory" not in everything and "Nguy" not in everything and "image/jpeg" not in log_lines.getvalue()
    tags = s3().get_object_tagging(Bucket=BUCKET, Key=keys.attachment_object(sent["attachment_id"]))["TagSet"]
    assert tags == [{"Key": "attached", "Value": "no"}]


def test_a_pdf_is_stored_without_its_author_and_title_and_says_its_pages(api: Client) -> None:
    sent = body(upload(api, samples.canary_pdf(pages=3)))
    assert sent["kind"] == "document" and sent["pages"] == 3
    (clean,) = objects().values()
    assert clean.startswith(b"%PDF")
    samples.assert_no_canary(clean)


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda: b"<html><script>alert(1)</script></html>", 415, "unsupported_type"),
        (lambda: samples.active_pdf("open_action_javascript"), 422, "pdf_active_content"),
        (lambda: samples.png_bomb(30_000), 422, "decompression_bomb"),
        (samples.truncated_jpeg, 422, "malformed"),
        (lambda: b"\xff\xd8\xff" + bytes(5 * 1024 * 1024), 413, "too_large"),
    ],
    ids=["html-renamed-jpg", "pdf-javascript", "png-bomb", "truncated-jpeg", "five-mb"],
)
def test_a_refused_file_gets_its_stable_code_and_nothing_is_stored(
    api: Client, make: Any, status: int, code: str
) -> None:
    answer = upload(api, make())
    assert answer.status_code == status, answer.body
    error = body(answer)["error"]
    assert error["code"] == code and error["field"] == "data" and error["message"]
    assert objects() == {}
    assert not [i for i in table_items() if i["PK"]["S"].startswith("UPLOAD#")]


def test_bad_uploads_name_the_field(api: Client) -> None:
    no_base64 = api.http.post(
        "/api/complaints/attachments",
        body=json.dumps({"data": "not base64!"}),
        headers={**JSON, "X-Proof": solved(api)},
    )
    assert no_base64.status_code == 400 and body(no_base64)["error"]["field"] == "data"
    unknown = api.http.post(
        "/api/complaints/attachments",
        body=json.dumps({"data": "AAAA", "path": "/etc"}),
        headers={**JSON, "X-Proof": solved(api)},
    )
    assert unknown.status_code == 400 and body(unknown)["error"]["field"] == "path"
    no_proof = api.http.post("/api/complaints/attachments", body=json.dumps({"data": "AAAA"}), headers=JSON)
    assert no_proof.status_code == 400 and body(no_proof)["error"]["field"] == "X-Proof"
    assert objects() == {}


def test_a_proof_pays_for_one_upload_and_each_source_has_an_allowance(
    api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    proof = solved(api)
    payload = json.dumps({"data": base64.b64encode(samples.gps_photo(64, 48)).decode()})
    first = api.http.post("/api/complaints/attachments", body=payload, headers={**JSON, "X-Proof": proof})
    again = api.http.post("/api/complaints/attachments", body=payload, headers={**JSON, "X-Proof": proof})
    assert first.status_code == 201 and again.status_code == 400
    assert body(again)["error"]["field"] == "X-Proof"
    monkeypatch.setenv("ATTACHMENTS_PER_SOURCE", "2")
    from chalicelib.core.settings import get_settings

    get_settings.cache_clear()
    assert get_settings().attachments_per_source == 2
    assert upload(api, samples.gps_photo(64, 48)).status_code == 201
    refused = upload(api, samples.gps_photo(64, 48))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert len(objects()) == 2


def test_a_retry_with_the_same_idempotency_key_stores_the_file_once(api: Client) -> None:
    photo = samples.gps_photo(64, 48)
    first = upload(api, photo, headers={"Idempotency-Key": "upload-retry-0001"})
    again = upload(api, photo, headers={"Idempotency-Key": "upload-retry-0001"})
    assert first.status_code == again.status_code == 201
    assert body(first) == body(again) and len(objects()) == 1


# ---- attaching ---------------------------------------------------------------------------------


def test_files_attach_once_to_one_complaint_and_staff_see_them(api: Client) -> None:
    photo, pdf = uploaded(api, samples.gps_photo()), uploaded(api, samples.canary_pdf(2))
    assert file_with(api, [photo, pdf]).status_code == 201
    taken = file_with(api, [photo])
    assert taken.status_code == 400 and body(taken)["error"]["field"] == "attachments"
    unknown = file_with(api, ["0" * 32])
    assert unknown.status_code == 400 and body(unknown)["error"]["field"] == "attachments"
    twice = file_with(api, [pdf, pdf])
    assert twice.status_code == 400
    six = file_with(api, [f"{i:032x}" for i in range(6)])
    assert six.status_code == 400 and body(six)["error"]["field"] == "attachments"
    case = body(call(api, "GET", f"/api/staff/complaints/{case_id(api)}", "caseworker.dushanbe"))
    listed = {a["id"]: a for a in case["attachments"]}
    assert set(listed) == {photo, pdf}
    assert listed[photo]["kind"] == "photo" and listed[photo]["from"] == "complainant"
    assert listed[pdf]["kind"] == "document" and listed[pdf]["pages"] == 2
    assert listed[pdf]["media_type"] == "application/pdf" and listed[pdf]["at"]
    # Uploads are consumed; the objects are marked as attached (the lifecycle will not take them).
    assert not [i for i in table_items() if i["PK"]["S"].startswith("UPLOAD#")]
    tags = s3().get_object_tagging(Bucket=BUCKET, Key=keys.attachment_object(photo))["TagSet"]
    assert tags == [{"Key": "attached", "Value": "yes"}]


@pytest.mark.parametrize("code", ["SlowDown", "InternalError", "503"])
def test_s3_busy_while_attaching_is_a_503_to_try_again_and_nothing_is_filed(
    api: Client, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    """The objects are tagged before the transaction that files the complaint: S3 busy at that
    moment leaves nothing half-done, and the person is told to try again (503, Retry-After)."""
    from botocore.exceptions import ClientError

    from chalicelib.complaints import files

    photo = uploaded(api, samples.gps_photo())
    before = len(table_items())

    def busy(*_: Any, **__: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "busy"}}, "PutObjectTagging")

    tag = files.mark_attached
    monkeypatch.setattr(files, "mark_attached", busy)
    answer = file_with(api, [photo])
    assert answer.status_code == 503 and body(answer)["error"]["code"] == "service_unavailable", answer.body
    assert int(answer.headers["Retry-After"]) > 0
    assert len(table_items()) == before  # no complaint, the upload still waiting
    monkeypatch.setattr(files, "mark_attached", tag)
    assert file_with(api, [photo]).status_code == 201  # the same file, tried again


def test_a_follow_up_message_may_carry_only_files(api: Client) -> None:
    receipt = body(file_with(api, []))["receipt"]
    photo = uploaded(api, samples.gps_photo(320, 240))
    answer = api.http.post(
        "/api/complaints/messages", body=json.dumps({"receipt": receipt, "attachments": [photo]}), headers=JSON
    )
    assert answer.status_code == 200, answer.body
    seen = body(answer)
    assert seen["messages"] == [] and [a["kind"] for a in seen["attachments"]] == ["photo"]
    empty = api.http.post("/api/complaints/messages", body=json.dumps({"receipt": receipt}), headers=JSON)
    assert empty.status_code == 400


# ---- staff reads -------------------------------------------------------------------------------


def test_staff_download_the_clean_copy_and_page_images_each_in_the_audit_trail(api: Client) -> None:
    photo, pdf = uploaded(api, samples.gps_photo()), uploaded(api, samples.canary_pdf(2))
    file_with(api, [photo, pdf])
    case = case_id(api)
    base = f"/api/staff/complaints/{case}/attachments"
    got = call(api, "GET", f"{base}/{photo}", "caseworker.dushanbe", headers={"Accept": "image/jpeg"})
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "image/jpeg" and got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert got.body == objects()[keys.attachment_object(photo)]
    samples.assert_no_canary(got.body)
    page = call(api, "GET", f"{base}/{pdf}/pages/2", "caseworker.dushanbe", headers={"Accept": "image/webp"})
    assert page.status_code == 200 and page.headers["Content-Type"] == "image/webp"
    assert page.body[:4] == b"RIFF" and page.body[8:12] == b"WEBP"
    for bad in ("0", "3", "x", "1000"):
        assert call(api, "GET", f"{base}/{pdf}/pages/{bad}", "caseworker.dushanbe").status_code == 404
    assert call(api, "GET", f"{base}/{photo}/pages/1", "caseworker.dushanbe").status_code == 404
    assert call(api, "GET", f"{base}/{'f' * 32}", "caseworker.dushanbe").status_code == 404
    trail = body(call(api, "GET", f"/api/staff/complaints/{case}/audit", "manager.dushanbe"))["entries"]
    actions = [(e["actor"], e["action"], e.get("detail")) for e in trail]
    assert ("caseworker.dushanbe", "file", photo) in actions
    assert ("caseworker.dushanbe", "file_page", f"{pdf} p2") in actions


def test_another_centres_caseworker_and_a_non_focal_point_get_403(api: Client) -> None:
    photo = uploaded(api, samples.gps_photo(64, 48))
    file_with(api, [photo])
    case = case_id(api)
    path = f"/api/staff/complaints/{case}/attachments/{photo}"
    assert call(api, "GET", path, "caseworker.istanbul", headers={"Accept": "image/jpeg"}).status_code == 403
    restricted_photo = uploaded(api, samples.gps_photo(64, 48))
    assert file_with(api, [restricted_photo], category="sea_by_staff").status_code == 201
    restricted = case_id(api, "focal.point")
    path = f"/api/staff/complaints/{restricted}/attachments/{restricted_photo}"
    assert call(api, "GET", path, "caseworker.dushanbe", headers={"Accept": "image/jpeg"}).status_code == 403
    assert call(api, "GET", path, "manager.dushanbe", headers={"Accept": "image/jpeg"}).status_code == 403
    assert call(api, "GET", path, "focal.point", headers={"Accept": "image/jpeg"}).status_code == 200
    assert call(api, "GET", path, headers={"Accept": "image/jpeg"}).status_code == 401


# ---- deleting on time --------------------------------------------------------------------------


def test_an_upload_never_attached_is_deleted_after_24_hours_and_an_attached_one_is_not(api: Client) -> None:
    forgotten, kept = uploaded(api, samples.gps_photo(64, 48)), uploaded(api, samples.gps_photo(64, 48))
    file_with(api, [kept])
    now = datetime.now(UTC)
    assert attachments.sweep(now + timedelta(hours=23)) == 0
    assert len(objects()) == 2
    assert attachments.sweep(now + timedelta(hours=24, minutes=1)) == 1
    assert list(objects()) == [keys.attachment_object(kept)]
    assert not [i for i in table_items() if i["PK"]["S"] in (keys.upload(forgotten), keys.PURGE)]
    late = file_with(api, [forgotten])
    assert late.status_code == 400 and body(late)["error"]["field"] == "attachments"


def test_a_closed_cases_files_are_deleted_at_the_end_of_its_retention_and_reopening_keeps_them(
    api: Client,
) -> None:
    photo = uploaded(api, samples.gps_photo(64, 48))
    file_with(api, [photo])
    case = case_id(api)

    def move(status: str, user: str = "manager.dushanbe") -> None:
        answer = call(api, "POST", f"/api/staff/complaints/{case}/status", user, {"status": status})
        assert answer.status_code == 200, answer.body

    move("in_progress")
    move("resolved")
    move("closed")
    closed_at = datetime.now(UTC)
    retention = timedelta(days=365)
    assert attachments.sweep(closed_at + retention - timedelta(hours=1)) == 0
    move("in_progress")  # reopened: the deletion is taken back
    assert attachments.sweep(closed_at + retention + timedelta(days=1)) == 0
    assert list(objects()) == [keys.attachment_object(photo)]
    move("resolved")
    move("closed")
    file_item = dynamodb_client().get_item(
        TableName=TABLE, Key={"PK": {"S": keys.complaint(case)}, "SK": {"S": keys.attachment(photo)}}
    )["Item"]
    assert int(file_item["expires_at"]["N"]) > closed_at.timestamp()  # TTL deletes the item with the case
    assert attachments.sweep(datetime.fromtimestamp(int(file_item["expires_at"]["N"]), UTC)) == 1
    assert objects() == {}
    assert not [i for i in table_items() if i["PK"]["S"] == keys.PURGE]


def test_the_sweep_reads_due_deletions_by_key_never_by_scanning(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    uploaded(api, samples.gps_photo(64, 48))
    client = dynamodb_client()

    def no_scan(**_: Any) -> None:
        raise AssertionError("the sweep must not scan")

    monkeypatch.setattr(client, "scan", no_scan)
    assert attachments.sweep(datetime.now(UTC) + timedelta(days=2)) == 1


def test_triage_reads_list_files_in_the_order_they_came(api: Client) -> None:
    first = uploaded(api, samples.gps_photo(64, 48))
    receipt = body(file_with(api, [first]))["receipt"]
    second = uploaded(api, samples.canary_pdf(1))
    api.http.post(
        "/api/complaints/messages",
        body=json.dumps({"receipt": receipt, "text": "The contract.", "attachments": [second]}),
        headers=JSON,
    )
    case = body(call(api, "GET", f"/api/staff/complaints/{case_id(api)}", "admin"))
    assert [a["id"] for a in case["attachments"]] == [first, second]
