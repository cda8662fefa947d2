"""The senders in AWS and the staff directory: SES v2 and Cognito in moto, End User Messaging SMS
under botocore's Stubber (moto does not implement `pinpoint-sms-voice-v2`; the Stubber checks each
request against the service's own model), and the local outbox the devstack installs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto
import pytest
from botocore.stub import Stubber

from chalicelib.core.settings import get_settings
from chalicelib.notifications import senders, staff
from chalicelib.notifications.senders import AwsEmail, AwsSms, Outgoing, deliver
from devstack.outbox import OutboxSender, messages, page, write_staff_directory

REGION = "eu-west-1"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    get_settings.cache_clear()
    current = get_settings()
    monkeypatch.setattr(current, "aws_region", REGION)
    senders.reset()
    staff.reset()
    yield current
    senders.reset()
    staff.reset()
    senders.install(None, None)
    get_settings.cache_clear()


def test_an_sms_goes_through_end_user_messaging_from_the_pool(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = "arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-0123456789abcdef0123456789abcdef"
    monkeypatch.setattr(settings, "sms_origination_identity", pool)
    monkeypatch.setattr(settings, "sms_configuration_set", "passerelle-prod-sms")
    monkeypatch.setattr(settings, "sms_countries", ("TJ", "VN", "KH", "TR"))
    client = senders._sms_client()
    with Stubber(client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "m-1"},
            {
                "DestinationPhoneNumber": "+992931234567",
                "OriginationIdentity": pool,
                "MessageBody": "Booked: Dushanbe centre, Mon 09:30.",
                "MessageType": "TRANSACTIONAL",
                "ConfigurationSetName": "passerelle-prod-sms",
                "Context": {"template": "confirmed"},
            },
        )
        AwsSms().send(Outgoing("sms", ("+992931234567",), "Booked: Dushanbe centre, Mon 09:30.", "confirmed"))
        stub.assert_no_pending_responses()
        # A country the portal does not serve gets nothing, and nothing is asked of AWS.
        assert not deliver(Outgoing("sms", ("+33612345678",), "x", "confirmed"))
        # The provider refusing is a failure the caller retries, never an exception.
        stub.add_client_error("send_text_message", "ThrottlingException")
        assert not deliver(Outgoing("sms", ("+992931234567",), "x", "confirmed"))


def test_an_unconfigured_sms_sender_fails_without_calling_aws(settings: Any) -> None:
    assert settings.sms_origination_identity is None
    assert not deliver(Outgoing("sms", ("+992931234567",), "x", "confirmed"))


def test_a_staff_email_goes_through_ses_v2_from_the_verified_sender(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "email_sender", "alerts@portal.example.org")
    with moto.mock_aws():
        senders.reset()
        ses = boto3.client("sesv2", region_name=REGION)
        ses.create_email_identity(EmailIdentity="alerts@portal.example.org")
        message = Outgoing("email", ("a@x.org", "b@x.org"), "A new case arrived.", "staff_alert", subject="New case")
        AwsEmail().send(message)
        sent = boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"]
        assert sent == 2  # one e-mail, counted per recipient
        # An unverified sender is refused by SES: a failure, never an exception.
        monkeypatch.setattr(settings, "email_sender", "someone@elsewhere.example.org")
        assert not deliver(message)


def test_staff_addresses_come_from_the_user_pool_by_group_and_centre(settings: Any) -> None:
    with moto.mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(
            PoolName="staff",
            Schema=[{"Name": "centres", "AttributeDataType": "String", "Mutable": True}],
        )["UserPool"]["Id"]
        cognito.create_group(GroupName="caseworker", UserPoolId=pool)
        users = {
            "cw.istanbul": ("cw.istanbul@x.org", "tr-istanbul", True),
            "cw.both": ("cw.both@x.org", "tj-dushanbe,tr-istanbul", True),
            "cw.dushanbe": ("cw.dushanbe@x.org", "tj-dushanbe", True),
            "cw.left": ("cw.left@x.org", "tr-istanbul", False),
        }
        for name, (email, centres, enabled) in users.items():
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=name,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:centres", "Value": centres},
                ],
            )
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName="caseworker")
            if not enabled:
                cognito.admin_disable_user(UserPoolId=pool, Username=name)
        settings.staff_user_pool_id = pool
        staff.reset()
        assert staff.addresses("caseworker", "tr-istanbul") == ["cw.both@x.org", "cw.istanbul@x.org"]
        assert staff.addresses("focal_point", "tr-istanbul") == []


def test_the_local_outbox_keeps_messages_newest_last_and_shows_them_escaped(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    box = OutboxSender(path)
    box.send(Outgoing("sms", ("+992931234567",), "Booked: <b>x</b>", "confirmed"))
    box.send(Outgoing("email", ("a@x.org",), "A new case.", "staff_alert", subject="New case"))
    found = messages(path)
    assert [m["channel"] for m in found] == ["sms", "email"]
    assert found[0] == {"channel": "sms", "to": ["+992931234567"], "body": "Booked: <b>x</b>", "at": found[0]["at"]}
    assert found[1]["subject"] == "New case"
    html = page(found).decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html and "<script" not in html
    assert messages(tmp_path / "none.jsonl") == []


def test_the_sample_accounts_have_addresses_naming_them(tmp_path: Path) -> None:
    from devstack.dev_idp import load_accounts

    accounts = load_accounts()
    assert accounts["caseworker.istanbul"].email == "caseworker.istanbul@centres.example.org"
    path = tmp_path / "staff.json"
    write_staff_directory(path, accounts.values())
    rows = {row["username"]: row for row in json.loads(path.read_text())}
    assert rows["focal.point"]["groups"] == ["focal_point"]
    assert staff.FileDirectory(path).members("focal_point")[0].email == "focal.point@centres.example.org"


def test_a_provider_that_hangs_holds_a_booking_three_seconds_at_most(settings: Any) -> None:
    for client in (senders._sms_client(), senders._email_client()):
        config = client.meta.config
        assert config.connect_timeout + config.read_timeout <= 3
        assert config.retries["total_max_attempts"] == 1  # the schedule retries, not the request
