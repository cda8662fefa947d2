"""How a message leaves: one interface, SMS and e-mail, AWS behind it (or the local outbox).

    deliver(Outgoing("sms", ("+992900000001",), body, template="confirmed"))  -> True if sent

In AWS an SMS goes through AWS End User Messaging SMS (`pinpoint-sms-voice-v2`
SendTextMessage: its opt-out lists, protect configurations and spend limit are the stack's, see
infra/README.md) and an e-mail through SES v2 SendEmail from a verified sender. Locally
`devstack/outbox.py` installs a sender that keeps every message in the outbox file that
`/dev-outbox/` shows: nothing leaves the machine. Unit tests use moto (SES, Cognito) and
botocore's Stubber for End User Messaging SMS, which moto does not have.

What is logged of a message: "sent" or "failed", its channel and its template. Never the phone
number, the address or the text: people using the portal may be in danger, and a log outlives
the booking's contact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol

import boto3
from botocore.config import Config

from chalicelib.core.observability import logger
from chalicelib.core.phones import region_of
from chalicelib.core.settings import get_settings

Channel = Literal["sms", "email"]


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    to: tuple[str, ...]
    body: str
    template: str  # what the message is ("confirmed", "staff_alert"...): the only content logged
    subject: str | None = None


class SendFailed(Exception):
    """The provider refused the message or did not answer; the caller queues a retry."""


class Sender(Protocol):
    def send(self, message: Outgoing) -> None:
        """Hand `message` to the provider, or raise SendFailed."""


def _config() -> Config:
    # A provider that hangs must not hold a booking's answer (the function has 10 seconds): one try
    # of at most 3 seconds; the schedule tries again later (notifications/jobs.py).
    return Config(connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 1, "mode": "standard"})


@cache
def _sms_client() -> Any:
    return boto3.client("pinpoint-sms-voice-v2", region_name=get_settings().aws_region, config=_config())


@cache
def _email_client() -> Any:
    return boto3.client("sesv2", region_name=get_settings().aws_region, config=_config())


class AwsSms:
    """End User Messaging SMS: transactional, from the stack's pool (or sender ID)."""

    def send(self, message: Outgoing) -> None:
        settings = get_settings()
        if not settings.sms_origination_identity:
            raise SendFailed("no SMS origination identity is configured")
        for phone in message.to:
            if settings.sms_countries and region_of(phone) not in set(settings.sms_countries):
                raise SendFailed("country not enabled for SMS")
            request: dict[str, Any] = {
                "DestinationPhoneNumber": phone,
                "OriginationIdentity": settings.sms_origination_identity,
                "MessageBody": message.body,
                "MessageType": "TRANSACTIONAL",
                "Context": {"template": message.template},
            }
            if settings.sms_configuration_set:
                request["ConfigurationSetName"] = settings.sms_configuration_set
            _call(_sms_client().send_text_message, request)


class AwsEmail:
    """SES v2 from the verified sender: one e-mail to all its recipients (colleagues of one centre)."""

    def send(self, message: Outgoing) -> None:
        settings = get_settings()
        if not settings.email_sender:
            raise SendFailed("no e-mail sender is configured")
        request: dict[str, Any] = {
            "FromEmailAddress": settings.email_sender,
            "Destination": {"ToAddresses": list(message.to)},
            "Content": {
                "Simple": {
                    "Subject": {"Data": message.subject or "", "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.body, "Charset": "UTF-8"}},
                }
            },
        }
        if settings.email_configuration_set:
            request["ConfigurationSetName"] = settings.email_configuration_set
        _call(_email_client().send_email, request)


def _call(send: Callable[..., Any], request: dict[str, Any]) -> None:
    try:
        send(**request)
    except Exception as exc:  # any provider error or timeout: the message is retried later
        raise SendFailed(type(exc).__name__) from exc


# The senders in use: AWS's unless the local stack or a test installed others.
_installed: dict[Channel, Sender] = {}


def install(sms: Sender | None, email: Sender | None) -> None:
    """Use these senders in this process (the local outbox, a test's); None goes back to AWS."""
    _installed.clear()
    if sms is not None:
        _installed["sms"] = sms
    if email is not None:
        _installed["email"] = email


def sender(channel: Channel) -> Sender:
    if channel in _installed:
        return _installed[channel]
    return AwsSms() if channel == "sms" else AwsEmail()


def deliver(message: Outgoing) -> bool:
    """Send `message`; True if the provider took it. Never raises: sending never breaks the action
    that caused it. Logged without the recipient or the text."""
    if not message.to:
        return False
    try:
        sender(message.channel).send(message)
    except SendFailed as exc:
        logger.warning(
            "failed", extra={"channel": message.channel, "template": message.template, "reason": str(exc)[:80]}
        )
        return False
    logger.info("sent", extra={"channel": message.channel, "template": message.template})
    return True


def reset() -> None:
    """Forget the cached clients (tests switch regions and mocks)."""
    _sms_client.cache_clear()
    _email_client.cache_clear()
