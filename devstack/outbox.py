"""The local outbox: with `make run`, nothing leaves the machine. Every SMS and e-mail the API would
send is appended to a file in the data folder instead, and shown on this machine only at
`/dev-outbox/` (a page) and `/dev-outbox/messages.json`:

    [{"channel": "sms" | "email", "to": [...], "subject"?: "...", "body": "...", "at": "<ISO UTC>"}]

newest last. `POST /dev-outbox/reply` with `{"from": "+992...", "body": "STOP"}` plays a person
replying to an SMS (the provider's two-way channel in AWS). Never deployed: the packaged Lambda
holds no devstack module (a test reads the package), and the server serves these routes only to
requests made on this machine (devstack/network.py), like the development sign-in.

The API's worker processes append to the file at once; each message is one line written under an
exclusive lock (fcntl), so lines never interleave.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.notifications.senders import Outgoing, install

OUTBOX_FILE = "PASSERELLE_OUTBOX_FILE"
PREFIX = "/dev-outbox"
STAFF_DIRECTORY = "staff-directory.json"


class OutboxSender:
    """A sender (notifications/senders.py) that keeps the message in the outbox file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Outgoing) -> None:
        record: dict[str, Any] = {"channel": message.channel, "to": list(message.to)}
        if message.subject is not None:
            record["subject"] = message.subject
        record |= {"body": message.body, "at": datetime.now(UTC).isoformat(), "template": message.template}
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            try:
                out.write(line)
                out.flush()
            finally:
                fcntl.flock(out, fcntl.LOCK_UN)


def install_from_environment() -> None:
    """In an API worker of the local stack: send into the outbox (the variable is set only there)."""
    path = os.environ.get(OUTBOX_FILE)
    if path:
        sender = OutboxSender(Path(path))
        install(sms=sender, email=sender)


def messages(path: Path) -> list[dict[str, Any]]:
    """The outbox, oldest first, as `/dev-outbox/messages.json` gives it."""
    if not path.is_file():
        return []
    found = []
    with path.open("rb") as source:
        fcntl.flock(source, fcntl.LOCK_SH)
        try:
            lines = source.read().decode("utf-8").splitlines()
        finally:
            fcntl.flock(source, fcntl.LOCK_UN)
    for line in lines:
        if line.strip():
            record = json.loads(line)
            record.pop("template", None)
            found.append(record)
    return found


def page(records: Iterable[dict[str, Any]]) -> bytes:
    """The outbox as a page: every value escaped (text from the public ends up in no message, but
    a centre's name or a staff address could hold markup), no script, no style attribute (CSP)."""
    rows = []
    for record in reversed(list(records)):
        subject = f"<p><strong>{html.escape(record['subject'])}</strong></p>" if "subject" in record else ""
        rows.append(
            "<li><p>"
            f"<code>{html.escape(record['channel'])}</code> {html.escape(record['at'])} "
            f"to {html.escape(', '.join(record['to']))}</p>{subject}"
            f"<pre>{html.escape(record['body'])}</pre></li>"
        )
    listing = "<ol reversed>" + "".join(rows) + "</ol>" if rows else "<p>Nothing sent yet.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Outbox (local stack)</title></head><body>"
        "<h1>Outbox</h1><p>What the portal would have sent by SMS and e-mail, newest first. Local stack "
        'only: nothing left this machine. As JSON: <a href="messages.json">messages.json</a>.</p>'
        f"{listing}</body></html>"
    ).encode()


def write_staff_directory(path: Path, accounts: Iterable[Any]) -> None:
    """The sample accounts' addresses for the API (notifications/staff.py, FileDirectory)."""
    rows = [
        {"username": a.username, "email": a.email, "groups": list(a.groups), "centres": list(a.centres)}
        for a in accounts
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
