"""Start and stop an S3-compatible server on 127.0.0.1 for the local stack: the npm package
`@20minutes/s3rver` (devstack/s3_local.js), which keeps its objects as files in the data folder,
so they outlive a restart as DynamoDB Local's tables do. README, "Evidence files" (Local S3), says why this one."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from devstack import ROOT
from devstack.dynamodb_local import PrerequisiteMissing
from devstack.local_process import LocalProcess

LAUNCHER = Path(__file__).with_name("s3_local.js")
PACKAGE = ROOT / "node_modules" / "@20minutes" / "s3rver"
BUCKET = "passerelle-attachments-local"
# What the API's workers sign with locally (the stack's AWS_ACCESS_KEY_ID / _SECRET_ACCESS_KEY).
ACCESS_KEY_ID = "local"
SECRET_ACCESS_KEY = "local"  # noqa: S105 - the local stack's stand-in, valid nowhere else


def local_s3_client(
    endpoint: str, *, access_key_id: str = ACCESS_KEY_ID, secret_access_key: str = SECRET_ACCESS_KEY
) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(connect_timeout=1, read_timeout=10, retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


class S3Local(LocalProcess):
    """One S3 API process on 127.0.0.1:`port` keeping its objects in `data_dir`, with `bucket`
    created on first start."""

    name = "The local S3 server"

    def __init__(self, port: int, data_dir: Path, bucket: str = BUCKET, log_path: Path | None = None) -> None:
        super().__init__(log_path or data_dir.parent / "s3-local.log")
        self.port = port
        self.data_dir = data_dir
        self.bucket = bucket

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return local_s3_client(self.endpoint)

    def start(self, timeout: float = 30.0) -> None:
        node = shutil.which("node")
        if node is None:
            raise PrerequisiteMissing("Node.js 20 or newer is needed for the local S3 server: install nodejs.")
        if not (PACKAGE / "package.json").exists():
            raise PrerequisiteMissing(
                "The local S3 server is not installed: run `npm ci` (make does it) to fetch @20minutes/s3rver."
            )
        with socket.socket() as probe:  # a clear OSError now rather than a server that exits
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as node binds: TIME_WAIT is no clash
            probe.bind(("127.0.0.1", self.port))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.spawn(
            [node, str(LAUNCHER), str(self.data_dir), str(self.port), self.bucket],
            cwd=self.data_dir,
            env={
                **os.environ,
                "S3_LOCAL_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "S3_LOCAL_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            },
        )
        client = self.client()
        self.wait_ready(lambda: client.head_bucket(Bucket=self.bucket), timeout)
