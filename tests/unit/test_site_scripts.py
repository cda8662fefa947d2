"""The site's scripts (site/overrides/assets/), ES modules, without a browser: every one parses as
a module, and every import names a module that exists and a name it exports (a typo here would
leave a page without its script, which only a browser test of that very page would notice). One
exception, on purpose: the quick exit (exit.js) is a classic script run from the head, before
anything of a private page can be tapped (site/overrides/main.html says why)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

ASSETS = ROOT / "site" / "overrides" / "assets"
CLASSIC = ASSETS / "exit.js"
MODULES = sorted(
    [
        *(path for path in ASSETS.glob("*.js") if path != CLASSIC),
        *ASSETS.glob("staff/*.js"),
        *ASSETS.glob("recruiters/*.js"),
        *ASSETS.glob("search/*.js"),
        *ASSETS.glob("i18n/*.js"),
    ]
)


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


def test_the_quick_exit_is_a_classic_script_that_needs_nothing_else() -> None:
    """It runs before the page's modules and must not wait for one: no import or export, it
    parses as a classic script, and it reads its own tag (document.currentScript) while it runs."""
    text = CLASSIC.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(?:import|export)\b", text, re.M) and "import(" not in text
    checked = subprocess.run(
        ["node", "--input-type=commonjs", "--check"], input=text, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert "document.currentScript" in text
