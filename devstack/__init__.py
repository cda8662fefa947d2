"""The local stack: everything `make run` and the tests use to run the portal on one machine.
Never packaged into the Lambda."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
CONTENT = ROOT / "content"
BUILD = ROOT / "build"
SITE_DIR = BUILD / "site"
TEMPLATE = ROOT / "infra" / "template.yaml"
