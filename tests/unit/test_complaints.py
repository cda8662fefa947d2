"""Anonymous complaints: the receipt, the proof of work, follow-up, the restricted lane, limits and
expiry, in process with moto. (Idempotency under concurrency and the canary scan run against
DynamoDB Local in tests/integration.)"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.complaints import service
from chalicelib.core import codes, proof
from chalicelib.core.aws import dynamodb_client
from tests.unit.conftest import TABLE, body, solved

JSON = {"Content-Type": "application/json"}
COMPLAINT = {
    "category": "unpaid_wages",
    "country": "MY",
    "description": "Three months without pay at the factory.",
    "language": "km",
    "against": "Example Garments Sdn Bhd",
    "woman_caseworker": True,
}


@pytest.fixture(autouse=True)
def easy_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROOF_DIFFICULTY", "8")  # unit tests need not burn CPU


def submit(api: Client, payload: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
    return api.http.post(
        "/api/complaints",
        body=json.dumps(payload or COMPLAINT),
        headers={**JSON, "X-Proof": solved(api), **(headers or {})},
    )


def lookup(api: Client, receipt: str) -> Any:
    return api.http.post("/api/complaints/lookup", body=json.dumps({"receipt": receipt}), headers=JSON)


# ---- the receipt -------------------------------------------------------------------------------


def test_receipt_check_digit_catches_every_single_error_and_neighbour_swap() -> None:
    for _ in range(50):
        receipt = codes.new_receipt()
        assert len(receipt) == 21 and codes.normalise_receipt(receipt) == receipt
        for i, digit in enumerate(receipt):
            for other in "0123456789":
                if other != digit:
                    assert codes.normalise_receipt(receipt[:i] + other + receipt[i + 1 :]) is None
        for i in range(20):
            if receipt[i] != receipt[i + 1]:
                assert codes.normalise_receipt(receipt[:i] + receipt[i + 1] + receipt[i] + receipt[i + 2 :]) is None


def test_receipt_accepts_spaces_dashes_and_digits_of_any_script() -> None:
    receipt = codes.new_receipt()
    grouped = codes.format_receipt(receipt)
    assert grouped.count(" ") == 4
    arabic = grouped.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    persian = receipt.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    khmer = receipt.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    for typed in (grouped, grouped.replace(" ", "-"), arabic, persian, khmer, f" {receipt} "):
        assert codes.normalise_receipt(typed) == receipt, typed
    assert codes.normalise_receipt(receipt + "a") is None


# ---- the proof of work -------------------------------------------------------------------------


def test_a_submission_needs_a_fresh_solved_challenge(client: Client) -> None:
    missing = client.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers=JSON)
    assert missing.status_code == 400 and body(missing)["error"]["field"] == "X-Proof"
    challenge = body(client.http.get("/api/challenge"))
    assert challenge["difficulty"] == 8
    wrong = f"{challenge['challenge']}:not-a-solution"
    response = client.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers={**JSON, "X-Proof": wrong})
    assert response.status_code in (400, 201)  # 1 in 256 random strings solve 8 bits
    forged = "1.abc.0000:1"
    assert (
        client.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers={**JSON, "X-Proof": forged}).status_code
        == 400
    )
    header = solved(client)
    assert (
        client.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers={**JSON, "X-Proof": header}).status_code
        == 201
    )
    reused = client.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers={**JSON, "X-Proof": header})
    assert reused.status_code == 400 and "already used" in body(reused)["error"]["message"]


def test_an_old_challenge_has_expired(aws: None) -> None:
    challenge = proof.issue().challenge
    header = f"{challenge}:{proof.solve(str(challenge), 8)}"
    proof.verify(header)
    with pytest.raises(Exception, match="expired"):
        proof.verify(header, now=time.time() + 601)


# ---- follow-up ---------------------------------------------------------------------------------


def test_submit_read_reply_and_write_back(client: Client) -> None:
    response = submit(client)
    assert response.status_code == 201, response.body
    submitted = body(response)
    receipt = submitted["receipt"]
    assert codes.normalise_receipt(receipt)
    view = body(lookup(client, receipt))
    assert view["status"] == "new" and view["messages"] == [] and view["category"] == "unpaid_wages"
    complaint_id = dynamodb_client().scan(
        TableName=TABLE, FilterExpression="SK = :m", ExpressionAttributeValues={":m": {"S": "META"}}
    )["Items"][0]["id"]["S"]
    service.add_reply(complaint_id, "Merci. Nous avons contacté le centre de Kuala Lumpur.")
    dynamodb_client().put_item(
        TableName=TABLE,
        Item={  # an internal note: never shown to the complainant
            "PK": {"S": f"COMPLAINT#{complaint_id}"},
            "SK": {"S": "NOTE#1"},
            "text": {"S": "internal: call employer"},
        },
    )
    view = body(lookup(client, receipt.replace(" ", "-")))
    assert [m["author"] for m in view["messages"]] == ["caseworker"]
    assert "internal" not in json.dumps(view)
    answer = client.http.post(
        "/api/complaints/messages",
        headers=JSON,
        body=json.dumps({"receipt": receipt, "text": "Thank you, I will wait."}),
    )
    assert answer.status_code == 200
    assert [m["author"] for m in body(answer)["messages"]] == ["caseworker", "complainant"]


def test_a_wrong_receipt_is_404_without_saying_whether_any_exists(client: Client) -> None:
    assert submit(client).status_code == 201
    typo = codes.new_receipt()
    for attempt in (typo, "1234", "0" * 21):
        response = lookup(client, attempt)
        assert response.status_code in (404, 400)
        if response.status_code == 404:
            assert body(response)["error"]["message"] == "No complaint matches this receipt number."


def test_each_idempotent_request_runs_with_its_own_proof(client: Client) -> None:
    """A warm process serves many requests: the second key's request must not replay the first's
    proof of work (it would be refused as already used)."""
    first = submit(client, headers={"Idempotency-Key": "complaint-first-0001"})
    second = submit(client, headers={"Idempotency-Key": "complaint-second-002"})
    assert first.status_code == second.status_code == 201, second.body
    assert body(first)["receipt"] != body(second)["receipt"]


def test_failed_lookups_are_limited_with_retry_after(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core.settings import get_settings

    monkeypatch.setattr(get_settings(), "lookup_failures_per_source", 3)
    receipt = body(submit(client))["receipt"]
    for _ in range(3):
        assert lookup(client, codes.new_receipt()).status_code == 404
    limited = lookup(client, receipt)  # even the right receipt waits: the source is limited
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 601
    assert body(limited)["error"]["code"] == "too_many_requests"


def test_behind_cloudfront_each_viewer_has_its_own_limit(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """API Gateway sees CloudFront's address; the viewer's comes in the header CloudFront's function sets."""
    from chalicelib.core.settings import get_settings

    monkeypatch.setattr(get_settings(), "lookup_failures_per_source", 2)
    receipt = body(submit(client))["receipt"]

    def from_viewer(address: str, typed: str) -> int:
        return int(
            client.http.post(
                "/api/complaints/lookup",
                body=json.dumps({"receipt": typed}),
                headers={**JSON, "X-Passerelle-Viewer": address},
            ).status_code
        )

    assert [from_viewer("203.0.113.5", codes.new_receipt()) for _ in range(2)] == [404, 404]
    assert from_viewer("203.0.113.5", receipt) == 429
    assert from_viewer("198.51.100.9", receipt) == 200


def test_access_ends_after_the_inactivity_period(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    receipt = body(submit(client))["receipt"]
    assert lookup(client, receipt).status_code == 200
    later = datetime.now(UTC) + timedelta(days=91)
    monkeypatch.setattr(service, "now_utc", lambda: later)
    assert lookup(client, receipt).status_code == 404


def test_sexual_exploitation_by_staff_goes_to_the_restricted_lane(client: Client) -> None:
    assert submit(client, {**COMPLAINT, "category": "sea_by_staff", "centre_id": "my-kuala-lumpur"}).status_code == 201
    assert submit(client).status_code == 201
    items = dynamodb_client().scan(
        TableName=TABLE, FilterExpression="SK = :m", ExpressionAttributeValues={":m": {"S": "META"}}
    )["Items"]
    lanes = {i["category"]["S"]: (i["lane"]["S"], i["GSI1PK"]["S"]) for i in items}
    assert lanes["sea_by_staff"] == ("restricted", "QUEUE#restricted#my-kuala-lumpur")
    assert lanes["unpaid_wages"] == ("general", "QUEUE#general#ANY")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"country": "Malaysia"}, "country"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "short"}, "description"),
        ({"language": "khmer"}, "language"),
        ({"phone": "+60123456789"}, "phone_consent"),
        ({"phone": "123", "phone_consent": True}, "phone"),
        ({"centre_id": "xx-none"}, "centre_id"),
        ({"name": "Sokha"}, "name"),
    ],
)
def test_bad_complaints_are_400_naming_the_field(client: Client, change: dict[str, Any], field: str) -> None:
    response = submit(client, {**COMPLAINT, **change})
    assert response.status_code == 400, response.body
    assert body(response)["error"]["field"] == field


def test_idempotent_retries_make_one_complaint_and_return_the_same_receipt(client: Client) -> None:
    key = {"Idempotency-Key": "complaint-retry-0001"}
    first = submit(client, headers=key)
    second = submit(client, headers=key)  # a retry solves a new challenge: the first answer comes back
    assert first.status_code == second.status_code == 201
    assert body(first)["receipt"] == body(second)["receipt"]
    metas = dynamodb_client().scan(
        TableName=TABLE, FilterExpression="SK = :m", ExpressionAttributeValues={":m": {"S": "META"}}
    )["Items"]
    assert len(metas) == 1
    dump = json.dumps(dynamodb_client().scan(TableName=TABLE)["Items"])
    assert body(first)["receipt"].replace(" ", "") not in dump  # stored only as a keyed hash (or sealed)


def test_processes_starting_together_agree_on_one_server_key(tmp_path: Any) -> None:
    """Workers start at once: none may read a half-written key (it would refuse the others' challenges)."""
    from concurrent.futures import ProcessPoolExecutor

    from chalicelib.core.secrets import _file_key

    path = tmp_path / "secret.key"
    with ProcessPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(_file_key, [path] * 32))
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]
