"""The site's scripts (site/overrides/assets/), ES modules, without a browser: every one parses as
a module, and every import names a module that exists and a name it exports (a typo here would
leave a page without its script, which only a browser test of that very page would notice)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

ASSETS = ROOT / "site" / "overrides" / "assets"
MODULES = sorted([*ASSETS.glob("*.js"), *ASSETS.glob("staff/*.js"), *ASSETS.glob("recruiters/*.js")])


def test_every_import_names_a_module_and_a_name_it_exports() -> None:
    exports = {
        path: set(re.findall(r"^export (?:async )?(?:function|const|let) ([\w$]+)", path.read_text("utf-8"), re.M))
        for path in MODULES
    }
    imports = 0
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        for names, target in re.findall(r'^import \{([^}]*)\} from "(\.[^"]+)";', text, re.M):
            module = (path.parent / target).resolve()
            assert module in exports, f"{path.name}: {target}"
            wanted = {name.split(" as ")[0].strip() for name in names.split(",") if name.strip()}
            assert wanted <= exports[module], f"{path.name} imports {wanted - exports[module]} from {target}"
            imports += 1
        for target in re.findall(r'import\((?:address|"(\./[^"]+)")\)', text):
            assert not target or (path.parent / target).is_file()
    assert imports > 20
    assert '"./proof.js"' in (ASSETS / "api.js").read_text(encoding="utf-8")  # the solver, fetched when needed


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ASSETS).as_posix())
def test_every_module_parses(path: Path) -> None:
    checked = subprocess.run(
        ["node", "--input-type=module", "--check"],
        input=path.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


def test_no_script_relies_on_a_global_of_another() -> None:
    """Shared code is imported: no page script reads or sets one of the old globals."""
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert "window.PxProof" not in text and "__pxSha256" not in text, path.name
        assert "document.currentScript" not in text, path.name  # null in a module
