"""Evidence files on complaints: receiving them, attaching them, showing them to staff, and
deleting them on time.

Receiving: the proof of work is spent and the source's allowance counted before the cleaner runs
(each upload costs a cleaning); the cleaner (chalicelib/evidence, its own Lambda function in AWS)
decides from the bytes alone what the file is and returns the clean copy, or a refusal that
becomes a 4xx with the cleaner's stable code. Only the clean copy is stored (complaints/files.py),
with an upload item and a due deletion 24 h later. The file's name and declared type are read by
nobody: not stored, not logged.

Attaching: a complaint or a message lists upload ids; in the same transaction as the complaint or
message, each upload item is deleted on condition that it still exists (so an id attaches once, to
one complaint), its due deletion goes with it, and the file is filed under the case.

Deleting, and why a sweep over due deletions: DynamoDB's TTL deletes a closed case's items at the
end of its retention, but objects need a mechanism of their own. Every deletion that will be due is
written when it becomes known (an upload's at once, a closed case's files at closing, taken back at
reopening) into one partition sorted by the moment it falls due (core/keys.py, PURGE), and a
scheduled function reads the range that is due by key (no scan, however large the table) every hour
and deletes the objects. A DynamoDB stream on TTL deletions would need a stream, its function and
its retries for the same effect, and could not be tested here with a clock moved forward (DynamoDB
Local does not expire items); an S3 lifecycle counts days from an object's creation, not from a
case's closing, so it can only be the backstop for uploads never attached (files.py)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from chalicelib.complaints import files
from chalicelib.complaints.models import Attachment, SentFile, Uploaded
from chalicelib.core import dynamo, keys, proof, ratelimit
from chalicelib.core.aws import dynamodb_client, lambda_client
from chalicelib.core.errors import ApiError, BadRequest, NotFound, ServiceUnavailable
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source
from chalicelib.evidence.client import Cleaner, CleanerUnavailable, InProcessCleaner, LambdaCleaner
from chalicelib.evidence.contract import DEFAULT_LIMITS, MESSAGES, PAGE_MEDIA_TYPES, Cleaned, Refusal, Refused

UPLOAD_SCOPE = "attachment"
# A page image for the staff console: wide enough to read a contract's small print on a laptop.
PAGE_WIDTH = 1400


def now_utc() -> datetime:
    return datetime.now(UTC)


@cache
def cleaner() -> Cleaner:
    """The cleaner function in AWS (`CLEANER_FUNCTION_NAME`), this process locally."""
    name = get_settings().cleaner_function_name
    return LambdaCleaner(name, lambda_client()) if name else InProcessCleaner()


class FileRefused(ApiError):
    """A file the cleaner would not take: 415, 413, 422 or 400 with its stable code (the complaint
    form says the same by code in the page's language)."""

    def __init__(self, code: Refusal) -> None:
        super().__init__(MESSAGES[code], field="data")
        self.status = code.status
        self.code = code.value


# ---- receiving ---------------------------------------------------------------------------------


def decode(data: str) -> bytes:
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("data: the file must be sent as base64.", code="data_not_base64", field="data") from None
    if not raw:
        raise FileRefused(Refusal.EMPTY)
    if len(raw) > DEFAULT_LIMITS.max_bytes:
        raise FileRefused(Refusal.TOO_LARGE)
    return raw


def receive(data: str, proof_id: str, source: Source) -> Uploaded:
    """Spend the proof and count the source first, then clean, then store the clean copy."""
    settings = get_settings()
    raw = decode(data)
    now = now_utc()
    count, window = ratelimit.count_item(UPLOAD_SCOPE, source, settings.attachments_per_source, now.timestamp())
    try:
        dynamo.transact([proof.used(proof_id, now.timestamp()), count])
    except dynamo.TransactionFailed as failed:
        if 0 in failed.failed:
            raise BadRequest(
                "X-Proof: this challenge was already used. Get a new one.", code="proof_used", field="X-Proof"
            ) from None
        raise window.refused(
            "Too many files from this connection in a short time. Wait a few minutes and send it again.",
            now.timestamp(),
        ) from None
    cleaned = _clean(raw)
    attachment_id = uuid.uuid4().hex
    files.put(attachment_id, cleaned.data, cleaned.media_type)
    due = now + timedelta(hours=settings.attachment_unattached_hours)
    dynamo.transact(
        [
            dynamo.put_new(
                {
                    "PK": keys.upload(attachment_id),
                    "SK": keys.UPLOAD,
                    "type": "Upload",
                    "id": attachment_id,
                    **_described(cleaned),
                    "uploaded_at": now.isoformat(),
                    "purge_sk": keys.purge_entry(due, attachment_id),
                    # The sweep deletes it at `due`; TTL only tidies up after a sweep that failed.
                    "expires_at": int((due + timedelta(days=2)).timestamp()),
                }
            ),
            _due_deletion(due, attachment_id, "unattached"),
        ]
    )
    return Uploaded(attachment_id=attachment_id, kind=cleaned.kind, bytes=cleaned.size, pages=cleaned.pages)


def _clean(raw: bytes) -> Cleaned:
    try:
        return cleaner().clean(raw)
    except Refused as refused:
        # The code and the fixed-vocabulary detail only: nothing read from the file.
        logger.info("file refused", extra={"code": refused.code.value, "bytes_in": len(raw)})
        raise FileRefused(refused.code) from None
    except CleanerUnavailable:
        raise ServiceUnavailable(
            "Files cannot be checked at the moment. Try again in a minute.", retry_after=30
        ) from None


def _described(cleaned: Cleaned) -> dict[str, Any]:
    described: dict[str, Any] = {"kind": cleaned.kind, "media_type": cleaned.media_type, "bytes": cleaned.size}
    if cleaned.pages is not None:
        described["pages"] = cleaned.pages
    return described


def _due_deletion(due: datetime, attachment_id: str, reason: str) -> dict[str, Any]:
    return dynamo.put_new(
        {
            "PK": keys.PURGE,
            "SK": keys.purge_entry(due, attachment_id),
            "type": "DueDeletion",
            "attachment_id": attachment_id,
            "reason": reason,
        }
    )


# ---- attaching ---------------------------------------------------------------------------------


def pending(attachment_ids: list[str]) -> list[dict[str, Any]]:
    """The uploads a complaint or a message lists, each still waiting to be attached: 400 naming
    `attachments` otherwise. Their objects are tagged as attached here, before the transaction
    that attaches them (files.py says why)."""
    found = {
        item["id"]: item for item in dynamo.batch_get([(keys.upload(i), keys.UPLOAD) for i in attachment_ids], True)
    }
    for index, attachment_id in enumerate(attachment_ids):
        if attachment_id not in found:
            raise BadRequest(
                f"attachments.{index}: this file is not waiting to be attached (already sent, or uploaded "
                "more than a day ago): add it again.",
                code="attachment_not_waiting",
                field="attachments",
            )
    for attachment_id in attachment_ids:
        files.mark_attached(attachment_id)
    return [found[i] for i in attachment_ids]


def attach_items(complaint_id: str, uploads: list[dict[str, Any]], sender: str, at: datetime) -> list[dict[str, Any]]:
    """Transaction items filing `uploads` under the case: each upload is consumed once (its
    condition fails if another complaint took it, or the sweep deleted it)."""
    items: list[dict[str, Any]] = []
    for upload in uploads:
        attachment_id = upload["id"]
        described: dict[str, Any] = {k: upload[k] for k in ("kind", "media_type", "bytes", "pages") if k in upload}
        items += [
            dynamo.delete_item(keys.upload(attachment_id), keys.UPLOAD, "attribute_exists(PK)"),
            dynamo.delete_item(keys.PURGE, upload["purge_sk"], "attribute_exists(PK)"),
            dynamo.put_new(
                {
                    "PK": keys.complaint(complaint_id),
                    "SK": keys.attachment(attachment_id),
                    "type": "Attachment",
                    "id": attachment_id,
                    **described,
                    "at": at.isoformat(),
                    "from": sender,
                }
            ),
        ]
    return items


ITEMS_PER_ATTACHMENT = 3


def refused_attachment(failed: set[int], first: int, count: int) -> BadRequest | None:
    """The 400 for a transaction that failed on one of the attachment items starting at `first`."""
    for index in range(count):
        if any(first + index * ITEMS_PER_ATTACHMENT + k in failed for k in range(ITEMS_PER_ATTACHMENT)):
            return BadRequest(
                f"attachments.{index}: this file was attached meanwhile, or has expired: add it again.",
                code="attachment_not_waiting",
                field="attachments",
            )
    return None


# ---- reading -----------------------------------------------------------------------------------


def of_case(items: list[dict[str, Any]]) -> list[Attachment]:
    found = [i for i in items if i["SK"].startswith(keys.ATTACHMENT)]
    return [
        Attachment(
            id=i["id"],
            kind=i["kind"],
            media_type=i["media_type"],
            bytes=int(i["bytes"]),
            pages=int(i["pages"]) if i.get("pages") is not None else None,
            at=i["at"],
            sender=i["from"],
        )
        for i in sorted(found, key=lambda i: (i["at"], i["id"]))
    ]


def sent_by_complainant(items: list[dict[str, Any]]) -> list[SentFile]:
    return [
        SentFile(kind=a.kind, bytes=a.bytes, pages=a.pages, at=a.at)
        for a in of_case(items)
        if a.sender == "complainant"
    ]


def find(items: list[dict[str, Any]], attachment_id: str) -> Attachment:
    for attachment in of_case(items):
        if attachment.id == attachment_id:
            return attachment
    raise NotFound("No such file on this case.", code="attachment_not_found", field="attachment_id")


def content(attachment: Attachment) -> bytes:
    data = files.get(attachment.id)
    if data is None:  # deleted at the end of the case's retention, a moment before the case
        raise NotFound("This file has been deleted.", code="attachment_deleted", field="attachment_id")
    return data


def page(attachment: Attachment, number: int) -> tuple[bytes, str]:
    """Page `number` (from 1) of a document, drawn as an image: staff never open a live PDF."""
    if attachment.kind != "document" or attachment.pages is None:
        raise NotFound("Only documents have pages.", code="page_not_found", field="attachment_id")
    if not 1 <= number <= attachment.pages:
        raise NotFound(f"n: the document has {attachment.pages} pages.", code="page_not_found", field="n")
    try:
        (image,) = cleaner().render(content(attachment), first_page=number - 1, max_pages=1, width=PAGE_WIDTH)
    except CleanerUnavailable:
        raise ServiceUnavailable("The page cannot be drawn at the moment.", retry_after=30) from None
    return image, PAGE_MEDIA_TYPES["webp"]


# ---- deleting on time --------------------------------------------------------------------------


def _files_of(complaint_id: str) -> list[dict[str, Any]]:
    return dynamo.query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :files)",
        ExpressionAttributeValues=dynamo.encode_values(
            {":pk": keys.complaint(complaint_id), ":files": keys.ATTACHMENT}
        ),
    )


def schedule_deletion(complaint_id: str, expires_at: int | None) -> int:
    """A case was closed (`expires_at`: when its retention ends) or reopened (None): its files'
    due deletions are written, or taken back."""
    changed = 0
    for item in _files_of(complaint_id):
        attachment_id = item["id"]
        steps: list[dict[str, Any]] = []
        if item.get("purge_sk"):
            steps.append(dynamo.delete_item(keys.PURGE, item["purge_sk"]))
        if expires_at is None:
            steps.append(dynamo.update(item["PK"], item["SK"], {}, remove=("purge_sk",)))
        else:
            due = datetime.fromtimestamp(expires_at, UTC)
            steps += [
                _due_deletion(due, attachment_id, "retention"),
                dynamo.update(item["PK"], item["SK"], {"purge_sk": keys.purge_entry(due, attachment_id)}),
            ]
        if len(steps) > 1 or expires_at is not None:
            dynamo.transact(steps)
            changed += 1
    return changed


def sweep(now: datetime | None = None, limit: int = 500) -> int:
    """Delete every object whose deletion is due (at most `limit` a run; the next run goes on).
    Idempotent and safe to run concurrently with itself and with attaching."""
    now = now or now_utc()
    due = dynamodb_client().query(
        TableName=dynamo.table(),
        KeyConditionExpression="PK = :pk AND SK <= :until",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.PURGE, ":until": keys.purge_until(now)}),
        ConsistentRead=True,
        Limit=limit,
    )["Items"]
    deleted = 0
    for entry in (dynamo.plain(i) for i in due):
        attachment_id = entry["attachment_id"]
        if entry["reason"] == "unattached":
            try:  # the entry's condition decides between this sweep and a complaint attaching it
                dynamo.transact(
                    [
                        dynamo.delete_item(keys.PURGE, entry["SK"], "attribute_exists(PK)"),
                        dynamo.delete_item(keys.upload(attachment_id), keys.UPLOAD),
                    ]
                )
            except dynamo.TransactionFailed:
                continue  # attached (or swept) meanwhile
            files.delete(attachment_id)
        else:
            files.delete(attachment_id)  # first the object, then the entry: a crash between retries
            dynamo.transact([dynamo.delete_item(keys.PURGE, entry["SK"])])
        deleted += 1
    if deleted:
        logger.info("evidence files deleted", extra={"count": deleted})
    return deleted
