"""The local S3 server (devstack/s3_local.py): what boto3 sends for evidence files works, objects
outlive a restart, signatures are checked, and it listens on 127.0.0.1 only."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.dynamodb_local import free_port
from devstack.s3_local import S3Local, local_s3_client
from devstack.stack import LocalStack
from tests import evidence_samples as samples

pytestmark = pytest.mark.integration


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Local]:
    server = S3Local(free_port(), tmp_path / "s3", bucket="evidence-test")
    server.start()
    yield server
    server.stop()


def listening_addresses(port: int) -> set[str]:
    """The local addresses that listen on `port`, as `ss -ltn` shows them."""
    table = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    addresses = set()
    for line in table.splitlines():
        local = line.split()[3]
        host, _, found_port = local.rpartition(":")
        if found_port == str(port):
            addresses.add(host)
    return addresses


def put_evidence(client: Any, bucket: str, key: str, body: bytes) -> None:
    """As the API will store a clean file: its type, server-side encryption with the stack's KMS
    key (accepted and ignored locally), a checksum, no file name."""
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType="image/jpeg",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId="alias/passerelle",
        ChecksumAlgorithm="SHA256",
        Metadata={"kind": "photo"},
    )


def test_objects_outlive_a_restart(s3: S3Local) -> None:
    photo = samples.gps_photo()
    client = s3.client()
    put_evidence(client, s3.bucket, "complaints/c-1/a-1", photo)
    put_evidence(client, s3.bucket, "uploads/a-2", b"second")

    s3.stop()
    with pytest.raises(Exception):  # noqa: B017 - stopped means nothing answers
        local_s3_client(s3.endpoint).head_bucket(Bucket=s3.bucket)
    s3.start()

    client = s3.client()
    stored = client.get_object(Bucket=s3.bucket, Key="complaints/c-1/a-1")
    assert stored["Body"].read() == photo
    assert stored["ContentType"] == "image/jpeg" and stored["Metadata"] == {"kind": "photo"}
    head = client.head_object(Bucket=s3.bucket, Key="complaints/c-1/a-1")
    assert head["ContentLength"] == len(photo)
    listed = client.list_objects_v2(Bucket=s3.bucket, Prefix="complaints/")
    assert [item["Key"] for item in listed["Contents"]] == ["complaints/c-1/a-1"]
    assert listed["KeyCount"] == 1


def test_deleted_objects_are_gone_for_good(s3: S3Local) -> None:
    client = s3.client()
    put_evidence(client, s3.bucket, "uploads/a-3", b"x")
    client.delete_object(Bucket=s3.bucket, Key="uploads/a-3")
    with pytest.raises(ClientError) as missing:
        client.head_object(Bucket=s3.bucket, Key="uploads/a-3")
    assert missing.value.response["Error"]["Code"] in ("404", "NoSuchKey")
    with pytest.raises(client.exceptions.NoSuchKey):
        client.get_object(Bucket=s3.bucket, Key="uploads/a-3")
    assert client.list_objects_v2(Bucket=s3.bucket)["KeyCount"] == 0
    s3.stop()
    s3.start()
    assert s3.client().list_objects_v2(Bucket=s3.bucket)["KeyCount"] == 0


def test_a_request_signed_with_another_key_is_refused(s3: S3Local) -> None:
    stranger = local_s3_client(s3.endpoint, secret_access_key="not-the-key")
    with pytest.raises(ClientError) as refused:
        stranger.list_objects_v2(Bucket=s3.bucket)
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_it_listens_on_loopback_only(s3: S3Local) -> None:
    assert listening_addresses(s3.port) == {"127.0.0.1"}


def test_a_taken_port_is_a_clear_error(s3: S3Local, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        S3Local(s3.port, tmp_path / "other").start()


def test_the_stack_gives_the_api_its_bucket(stack: LocalStack) -> None:
    environment = stack.api_env()
    assert environment["S3_ENDPOINT_URL"] == stack.s3.endpoint
    client = local_s3_client(
        environment["S3_ENDPOINT_URL"],
        access_key_id=environment["AWS_ACCESS_KEY_ID"],
        secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    )
    client.head_bucket(Bucket=environment["ATTACHMENTS_BUCKET"])
    assert (stack.config.data_dir / "s3" / environment["ATTACHMENTS_BUCKET"]).is_dir()
    assert listening_addresses(stack.s3.port) == {"127.0.0.1"}
