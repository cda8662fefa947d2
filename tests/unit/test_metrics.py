"""Business and abuse counts leave as CloudWatch EMF (core/metrics.py), one line per request, with
no dimension and no value that says anything about a person; the alarms on abuse watch them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from chalice.test import Client

from chalicelib.bookings import service as bookings
from chalicelib.core import codes
from chalicelib.core.metrics import NAMESPACE, SERVICE
from tests.conftest import ROOT
from tests.unit.conftest import body, with_proof

PHONE = "+992 93 123 4567"
JSON = {"Content-Type": "application/json"}


def emitted(out: str) -> list[dict[str, Any]]:
    blobs = []
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            blobs.append(json.loads(line))
    return blobs


def counts(blobs: list[dict[str, Any]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for blob in blobs:
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                total[metric["Name"]] = total.get(metric["Name"], 0) + sum(
                    value if isinstance(value, list) else [value]
                )
    return total


def test_each_event_is_counted_and_no_dimension_holds_a_person(
    client: Client, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core.settings import get_settings

    monkeypatch.setattr(bookings, "now_utc", lambda: datetime(2026, 11, 30, tzinfo=UTC))
    monkeypatch.setattr(get_settings(), "lookup_failures_per_source", 2)
    slots = body(client.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots"))["slots"]
    booking = {"centre_id": "tj-dushanbe", "service_id": "legal_advice", "start": slots[0]["start"]}
    booking |= {"mode": "phone", "language": "tg", "contact": {"phone": PHONE, "nickname": "Rustam"}}
    created = body(client.http.post("/api/bookings", body=json.dumps(booking), headers=with_proof(client)))
    code = {"X-Manage-Code": created["manage_code"]}
    assert client.http.delete(f"/api/bookings/{created['reference']}", headers=code).status_code == 200
    assert client.http.delete(f"/api/bookings/{created['reference']}", headers=code).status_code == 200  # once
    no_proof = client.http.post("/api/bookings", body=json.dumps(booking), headers=JSON)
    assert no_proof.status_code == 400
    forged = client.http.post("/api/bookings", body=json.dumps(booking), headers={**JSON, "X-Proof": "1.2.3:4"})
    assert forged.status_code == 400
    complaint = {"category": "unpaid_wages", "country": "MY", "description": "Three months unpaid.", "language": "km"}
    sent = client.http.post("/api/complaints", body=json.dumps(complaint), headers=with_proof(client))
    assert sent.status_code == 201, sent.body
    for _ in range(3):  # two wrong receipts, then the source waits
        client.http.post("/api/complaints/lookup", body=json.dumps({"receipt": codes.new_receipt()}), headers=JSON)
    wrong_code = {"X-Manage-Code": codes.new_manage_code()}
    assert client.http.get(f"/api/bookings/{created['reference']}", headers=wrong_code).status_code == 404

    out = capsys.readouterr().out
    blobs = emitted(out)
    assert counts(blobs) == {
        "BookingsCreated": 1,
        "Cancellations": 1,
        "ProofFailures": 2,
        "ComplaintsSubmitted": 1,
        "LookupFailures": 3,
        "RateLimited": 1,
    }
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        assert directive["Dimensions"] == [["service"]]
        names = {m["Name"] for m in directive["Metrics"]}
        # nothing but the timestamp, the two dimensions and the counts: no metadata, no person
        assert set(blob) == {"_aws", "service"} | names
        assert blob["service"] == SERVICE
        assert all(v == 1.0 or v == [1.0] * len(v) for k, v in blob.items() if k in names)
    text = json.dumps(blobs)
    for secret in (PHONE.replace(" ", ""), "Rustam", created["reference"], created["manage_code"], "127.0.0.1"):
        assert secret not in text


def test_a_request_that_counts_nothing_writes_no_metrics(client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    assert client.http.get("/api/centres/tj-dushanbe").status_code == 200
    assert emitted(capsys.readouterr().out) == []


def _loader() -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node)}
        return {suffix: loader.construct_mapping(node)}  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", tagged)
    return Loader


def test_abuse_alarms_watch_the_emitted_metrics() -> None:
    template = yaml.load((ROOT / "infra" / "template.yaml").read_text(encoding="utf-8"), Loader=_loader())
    alarms = {
        r["Properties"]["MetricName"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == NAMESPACE
    }
    assert set(alarms) == {"RateLimited", "ProofFailures", "LookupFailures"}
    for alarm in alarms.values():
        assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["TreatMissingData"] == "notBreaching"
