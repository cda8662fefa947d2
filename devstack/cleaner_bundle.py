"""Build the evidence cleaner's own Lambda bundle, and say what it weighs.

    python -m devstack.cleaner_bundle            # build/cleaner/cleaner.zip, with a size report
    python -m devstack.cleaner_bundle --json     # the same report as JSON

The cleaner (backend/chalicelib/evidence) runs in a function of its own, not in the API's: its
libraries weigh about 51 MB unzipped where the API's whole bundle has a 40 MB budget (issue 16),
and parsing hostile files is better done where there is no table, key or bucket to reach. The
bundle holds `chalicelib/__init__.py`, `chalicelib/evidence/` and the wheels pinned in
backend/cleaner-requirements.txt for Lambda's python3.13 on x86_64 (Amazon Linux 2023, glibc 2.34:
Pillow 13 and pikepdf 10 ship manylinux_2_28 wheels only, which python3.11's image cannot load).
Handler: `chalicelib.evidence.handler.handler`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TypedDict

from devstack import BACKEND, ROOT

RUNTIME = "python3.13"
ARCHITECTURE = "x86_64"
HANDLER = "chalicelib.evidence.handler.handler"
REQUIREMENTS = BACKEND / "cleaner-requirements.txt"
OUTPUT = ROOT / "build" / "cleaner"
# Wheels the runtime's glibc (2.34) can load: pip takes only the tags it is given, so all of them.
PLATFORMS = [f"manylinux_2_{minor}_{ARCHITECTURE}" for minor in range(34, 16, -1)]
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same zip


def code_files() -> list[tuple[Path, str]]:
    """The cleaner's own code: (file, path in the bundle)."""
    evidence = BACKEND / "chalicelib" / "evidence"
    files = [(BACKEND / "chalicelib" / "__init__.py", "chalicelib/__init__.py")]
    files += [(path, f"chalicelib/evidence/{path.name}") for path in sorted(evidence.glob("*.py"))]
    return files


def install_libraries(target: Path) -> None:
    version = RUNTIME.removeprefix("python")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            *(f"--platform={tag}" for tag in PLATFORMS),
            "--implementation",
            "cp",
            "--python-version",
            version,
            "--target",
            str(target),
            "--requirement",
            str(REQUIREMENTS),
        ],
        check=True,
    )
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache)


def folder_sizes(site: Path) -> dict[str, int]:
    """Bytes per top-level folder or file of the unpacked bundle (a library and its .libs)."""
    sizes: dict[str, int] = {}
    for path in site.rglob("*"):
        if path.is_file():
            top = path.relative_to(site).parts[0]
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


class Report(TypedDict):
    runtime: str
    architecture: str
    handler: str
    zip: str
    zipped_bytes: int
    unzipped_bytes: int
    parts: dict[str, int]


def build(output: Path = OUTPUT) -> Report:
    site = output / "package"
    shutil.rmtree(output, ignore_errors=True)
    site.mkdir(parents=True)
    install_libraries(site)
    for source, name in code_files():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site / name)
    archive = output / "cleaner.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(str(path.relative_to(site)), _EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, path.read_bytes())
    sizes = folder_sizes(site)
    return {
        "runtime": RUNTIME,
        "architecture": ARCHITECTURE,
        "handler": HANDLER,
        "zip": str(archive),
        "zipped_bytes": archive.stat().st_size,
        "unzipped_bytes": sum(sizes.values()),
        "parts": sizes,
    }


def main(argv: list[str]) -> int:
    report = build()
    if "--json" in argv:
        print(json.dumps(report, indent=2))
        return 0
    megabytes = 1_000_000
    print(
        f"{report['zip']}: {report['zipped_bytes'] / megabytes:.1f} MB zipped, "
        f"{report['unzipped_bytes'] / megabytes:.1f} MB unzipped ({RUNTIME}, {ARCHITECTURE})"
    )
    for part, size in report["parts"].items():
        print(f"  {size / megabytes:6.1f} MB  {part}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
