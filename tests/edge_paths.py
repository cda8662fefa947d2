"""Request paths that try to turn a directory's redirect into one to another host, and the judge:
node's WHATWG URL parser, the one browsers follow, resolving each Location the edge answered.
Shared by the CloudFront function's tests (tests/unit/test_infra.py) and the local server's
(tests/integration/test_local_server.py)."""

from __future__ import annotations

import json
import shutil
import subprocess

SITE = "https://portal.example.org"
# A browser reads `//host`, `/\host`, `\\host` as another host, and drops tabs and newlines first.
_TRICKS = [
    "//evil.example/x",
    "//evil.example",
    "///evil.example/x",
    "////evil.example",
    "/\\evil.example/x",
    "/\\/evil.example",
    "/\\\\evil.example",
    "//\\evil.example",
    "/%2F%2Fevil.example/x",
    "/%2f/evil.example",
    "/%5C%5Cevil.example",
    "/%5cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/ /evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/./\\evil.example",
    "/https:/evil.example",
    "/https://evil.example",
    "/http:\\\\evil.example",
    "/@evil.example",
    "/%40evil.example",
    "//evil",
    "/\\evil",
    "///evil",
    "/\t/evil",
]
# Each also with a last segment that has no dot: a page, which the edge redirects to its folder.
OFF_HOST_TRICKS = [*_TRICKS, *(f"{trick}/page" for trick in _TRICKS)]
# The same tricks in front of folders the built site has: where a careless server finds a folder
# and redirects to `//fr/`.
FOLDER_TRICKS = [
    "//fr",
    "///fr",
    "////fr",
    "/\\fr",
    "/%2F%2Ffr",
    "/%2f/fr",
    "/%5Cfr",
    "/.//fr",
    "//guides",
    "////guides/leaving",
    "/fr/..//ru",
    "/%2e%2e//fr",
    "//fr/complaint",
]


def hosts(locations: list[str], base: str = f"{SITE}/x/y") -> list[str]:
    """The host a browser goes to for each Location, answered on a page of `base`."""
    node = shutil.which("node")
    assert node, "node (a prerequisite of make run) judges the redirects as a browser would"
    script = (
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.locations.map((l) => new URL(l, input.base).host)));"
    )
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"locations": locations, "base": base}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))
