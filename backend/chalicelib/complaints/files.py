"""The clean copies of evidence files, as objects in the attachments bucket (S3; the local S3 in
`make run` and the tests). Only the cleaner's output is ever written here; object keys come from
core/keys.py (a random id, never a name a user chose), and nothing of the file is logged.

In AWS every object is encrypted with the stack's key (SSE-KMS, `ATTACHMENTS_KMS_KEY_ID`). An
object is written tagged `attached=no`: the bucket's lifecycle deletes such objects after two days,
a backstop under the hourly sweep (complaints/attachments.py), which deletes an upload not attached
within 24 h. The tag becomes `attached=yes` before the complaint that attaches it is written, so
the lifecycle can never take a file a complaint holds."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import keys
from chalicelib.core.aws import s3_client
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.settings import get_settings

PENDING_TAG = "attached=no"


def _bucket() -> str:
    bucket = get_settings().attachments_bucket
    if not bucket:
        raise ServiceUnavailable("Evidence files cannot be received here at the moment.")
    return bucket


def _tagging(attached: bool) -> dict[str, Any]:
    return {"TagSet": [{"Key": "attached", "Value": "yes" if attached else "no"}]}


def put(attachment_id: str, data: bytes, media_type: str) -> None:
    extra: dict[str, Any] = {}
    key_id = get_settings().attachments_kms_key_id
    if key_id:
        extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_id, "BucketKeyEnabled": True}
    s3_client().put_object(
        Bucket=_bucket(),
        Key=keys.attachment_object(attachment_id),
        Body=data,
        ContentType=media_type,
        Tagging=PENDING_TAG,
        **extra,
    )


def mark_attached(attachment_id: str) -> None:
    s3_client().put_object_tagging(
        Bucket=_bucket(), Key=keys.attachment_object(attachment_id), Tagging=_tagging(attached=True)
    )


def get(attachment_id: str) -> bytes | None:
    """The clean copy, or None if it is gone."""
    try:
        answer = s3_client().get_object(Bucket=_bucket(), Key=keys.attachment_object(attachment_id))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    data: bytes = answer["Body"].read()
    return data


def exists(attachment_id: str) -> bool:
    try:
        s3_client().head_object(Bucket=_bucket(), Key=keys.attachment_object(attachment_id))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            return False
        raise
    return True


def delete(attachment_id: str) -> None:
    """Idempotent: deleting an object that is already gone succeeds."""
    s3_client().delete_object(Bucket=_bucket(), Key=keys.attachment_object(attachment_id))
