"""Write backend/requirements.txt (what Chalice packages) from pyproject's runtime dependencies.

python -m devstack.requirements          # rewrite it
python -m devstack.requirements --check  # exit 1 if it is stale
"""

from __future__ import annotations

import sys
import tomllib

from devstack import BACKEND, ROOT

TARGET = BACKEND / "requirements.txt"
HEADER = "# Generated from pyproject.toml by `python -m devstack.requirements`: do not edit.\n"


def expected() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return HEADER + "".join(f"{dep}\n" for dep in sorted(project["dependencies"], key=str.lower))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != expected():
            print("backend/requirements.txt is stale: run `python -m devstack.requirements`.", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(expected(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
