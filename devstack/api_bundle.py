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
    """Medians, in seconds, wall-clock and CPU (user + system), per thing measured (`COLD_STARTS`)."""

    wall: dict[str, float]
    cpu: dict[str, float]
    runs: int


#: What a cold start pays, each run in a fresh bare Python with the unpacked bundle as its only
#: library (so every one uses the bundle's own boto3). "handler": Lambda's import of `app.app`
#: (AWS_LAMBDA_FUNCTION_NAME set, as Lambda sets it: domains load with their first request, see
#: chalicelib/core/domains.py). "floor": boto3 and a DynamoDB client, what any Python handler on
#: DynamoDB pays. "handler + booking": the import and then the modules a cold booking request
#: loads before its first database call (the heaviest public domain), said so nobody mistakes the
#: first figure for the whole of a first answer.
COLD_STARTS: dict[str, str] = {
    "handler": "import app",
    "floor": "import boto3; boto3.client('dynamodb', region_name='eu-west-1')",
    "handler + booking": "import app; app.app.load(app.app.modules_for('/api/centres'))",
}


def cold_imports(archive: Path, runs: int = 15) -> ImportTimes:
    """Median cost of each of `COLD_STARTS`, run after run in turn so that the machine's load falls
    on all alike. On a shared machine the CPU figure is the steadier one."""
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        zipfile.ZipFile(archive).extractall(folder)
        env = {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "TABLE_NAME": "bench",
            "POWERTOOLS_SERVICE_NAME": "bench",
            "AWS_LAMBDA_FUNCTION_NAME": "bench",
        }
        wall: dict[str, list[float]] = {name: [] for name in COLD_STARTS}
        cpu: dict[str, list[float]] = {name: [] for name in COLD_STARTS}
        for _ in range(runs):
            for name, code in COLD_STARTS.items():
                before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
                script = f"import sys; sys.path.insert(0, {folder!r}); {code}"
                subprocess.run([sys.executable, "-I", "-S", "-c", script], env=env, check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        "wall": {name: statistics.median(values) for name, values in wall.items()},
        "cpu": {name: statistics.median(values) for name, values in cpu.items()},
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
