"""Slim the API's Lambda bundle that `chalice package` wrote, and say what it weighs.

    python -m devstack.api_bundle build/package/deployment.zip    # rewrite it in place, with a report

`make package` runs this after `chalice package`; tests/integration/test_package.py builds the same
zip the same way. Budget (issue 16): 40 MB unzipped. What goes:

- botocore's service models for every AWS service the API never calls. boto3 and botocore stay
  pinned in the bundle (the runtime's own copy changes under us without notice); of their 420-odd
  service models the API needs only those in SERVICES, and botocore reads a model only when a
  client for that service is built. A test keeps SERVICES in step with the clients the code builds
  (tests/unit/test_api_bundle.py), and the packaged bundle is driven in a bare Python
  (tests/integration/test_package.py), so a missing piece fails `make test`, not production.
- libraries' own test suites (icalendar ships 2 MB of them).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import TypedDict

from devstack import BACKEND, TEMPLATE

# The AWS services whose clients the API builds (core/aws.py: dynamodb; core/secrets.py:
# secretsmanager), with sts for credentials by role and the two the evidence path uses (issue 14:
# lambda to call the cleaner, s3 for its files).
SERVICES = frozenset(
    {"dynamodb", "secretsmanager", "sts", "lambda", "s3", "pinpoint-sms-voice-v2", "sesv2", "cognito-idp"}
)
MODELS = "botocore/data/"
BUDGET_BYTES = 40_000_000


class Report(TypedDict):
    zip: str
    zipped_bytes: int
    unzipped_bytes: int
    unzipped_before: int
    dropped_files: int


def dropped(name: str) -> bool:
    """Whether a file of the bundle goes (`name` as the zip holds it, with forward slashes)."""
    if name.startswith(MODELS):
        service = name[len(MODELS) :].split("/", 1)
        return len(service) == 2 and service[0] not in SERVICES  # files at the root of data/ stay
    parts = name.split("/")
    return len(parts) > 2 and parts[0] != "chalicelib" and ("tests" in parts[1:-1] or "__pycache__" in parts)


def slim(archive: Path) -> Report:
    """Rewrite `archive` without the dropped files (same entries, dates and modes otherwise)."""
    temporary = archive.with_name(f".{archive.name}.{os.getpid()}")
    before = after = gone = 0
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            before += info.file_size
            if dropped(info.filename):
                gone += 1
                continue
            after += info.file_size
            target.writestr(info, source.read(info), compress_type=info.compress_type)
    temporary.replace(archive)
    return {
        "zip": str(archive),
        "zipped_bytes": archive.stat().st_size,
        "unzipped_bytes": after,
        "unzipped_before": before,
        "dropped_files": gone,
    }


def package(out: Path, stage: str = "prod") -> Path:
    """What `make package` builds into `out` (sam.yaml and deployment.zip), the zip slimmed."""
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")}
    chalice = Path(sys.executable).parent / "chalice"
    command = [str(chalice), "package", "--stage", stage, "--merge-template", str(TEMPLATE), str(out)]
    result = subprocess.run(command, cwd=BACKEND, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"chalice package failed: {result.stderr}")
    slim(out / "deployment.zip")
    return out


class ImportTimes(TypedDict):
    handler_seconds: float
    floor_seconds: float
    handler_cpu_seconds: float
    floor_cpu_seconds: float
    runs: int


HANDLER = "import app"
FLOOR = "import boto3; boto3.client('dynamodb', region_name='eu-west-1')"


def cold_imports(archive: Path, runs: int = 15) -> ImportTimes:
    """Median time to import the handler, and to import boto3 and build a DynamoDB client (the
    floor any Python handler on DynamoDB pays), each in a fresh bare Python with the unpacked bundle
    as its only library (so both use the bundle's own boto3), the two alternating run by run so
    that the machine's load falls on both alike. Wall-clock and CPU (user + system) seconds: on a
    shared machine the CPU figure is the steadier one."""
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        zipfile.ZipFile(archive).extractall(folder)
        env = {"AWS_DEFAULT_REGION": "eu-west-1", "TABLE_NAME": "bench", "POWERTOOLS_SERVICE_NAME": "bench"}
        wall: dict[str, list[float]] = {HANDLER: [], FLOOR: []}
        cpu: dict[str, list[float]] = {HANDLER: [], FLOOR: []}
        for _ in range(runs):
            for code in (HANDLER, FLOOR):
                before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
                script = f"import sys; sys.path.insert(0, {folder!r}); {code}"
                subprocess.run([sys.executable, "-I", "-S", "-c", script], env=env, check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall[code].append(time.perf_counter() - start)
                cpu[code].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        "handler_seconds": statistics.median(wall[HANDLER]),
        "floor_seconds": statistics.median(wall[FLOOR]),
        "handler_cpu_seconds": statistics.median(cpu[HANDLER]),
        "floor_cpu_seconds": statistics.median(cpu[FLOOR]),
        "runs": runs,
    }


def unzipped_bytes(archive: Path) -> int:
    with zipfile.ZipFile(archive) as bundle:
        return sum(info.file_size for info in bundle.infolist())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m devstack.api_bundle build/package/deployment.zip", file=sys.stderr)
        return 2
    report = slim(Path(argv[0]))
    megabytes = 1_000_000
    print(
        f"{report['zip']}: {report['zipped_bytes'] / megabytes:.1f} MB zipped, "
        f"{report['unzipped_bytes'] / megabytes:.1f} MB unzipped (was {report['unzipped_before'] / megabytes:.1f}; "
        f"{report['dropped_files']} files dropped; budget {BUDGET_BYTES / megabytes:.0f} MB)"
    )
    if report["unzipped_bytes"] > BUDGET_BYTES:
        print("the API's bundle is over its budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
