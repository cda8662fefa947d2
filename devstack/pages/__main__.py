"""`python -m devstack.pages [--site-url URL] [--out DIR]`: assemble the docs tree (build/docs/)
for a site served at URL ($SITE_URL, else the local portal's address)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devstack import ROOT
from devstack.content import ContentError
from devstack.open_data import LOCAL_SITE_URL
from devstack.pages import DOCS, PagesError, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.pages", description=__doc__)
    parser.add_argument("--site-url", default=os.environ.get("SITE_URL") or LOCAL_SITE_URL)
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    try:
        out = build(args.out, site_url=args.site_url)
    except ContentError as exc:
        print("Content has mistakes:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return 1
    except PagesError as exc:
        print(exc, file=sys.stderr)
        return 1
    pages = sum(1 for _ in out.rglob("*.md"))
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"pages: {pages} pages for {args.site_url} -> {shown}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
