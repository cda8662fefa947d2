"""match.js in Chromium itself, as a phone runs it: an ES module under a strict CSP, the compiled
lists loaded once, then every shared search and key vector answered with the network off and no
request made. (The "Check a recruiter" page wires the same module in; this tests the module.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Route

from devstack.recruiters import write_phone_lists
from tests.conftest import ROOT

ORIGIN = "http://phone.test"
MATCH_JS = ROOT / "site" / "overrides" / "assets" / "recruiters" / "match.js"
VECTORS = json.loads((ROOT / "tests" / "data" / "recruiter_match_vectors.json").read_text(encoding="utf-8"))
CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
PAGE = (
    '<!doctype html><html lang="tg"><meta charset="utf-8"><title>Check a recruiter</title>'
    '<script type="module" src="/t.js"></script>'
)
# The page loads the five lists, then answers from memory.
HARNESS = """
import { matcher, search, verdict } from "/assets/recruiters/match.js";
const lists = {};
for (const cc of ["tj", "vn", "kh", "mm", "np"]) {
  lists[cc.toUpperCase()] = await (await fetch(`/assets/recruiters/${cc}.json`)).json();
}
const byScript = Object.fromEntries(Object.values(lists).map((l) => [l.script, l.rules]));
window.check = (vectors) => ({
  keys: vectors.keys.map((c) => matcher(byScript[c.script]).nameKey(c.text)),
  licences: vectors.licences.map((c) => matcher(byScript[c.script]).licenceKey(c.text)),
  searches: vectors.searches.map((c) => search(lists[c.country], c.query).map((f) => f.id)),
  verdicts: vectors.verdicts.map((c) => verdict(c.agency, c.today)),
});
window.ready = true;
"""


def test_match_js_answers_every_vector_in_chromium_offline(browser: Browser, tmp_path: Path) -> None:
    write_phone_lists(tmp_path)
    files = {
        "/": (PAGE, "text/html"),
        "/t.js": (HARNESS, "text/javascript"),
        "/assets/recruiters/match.js": (MATCH_JS.read_text(encoding="utf-8"), "text/javascript"),
    }
    for path in tmp_path.glob("*.json"):
        files[f"/assets/recruiters/{path.name}"] = (path.read_text(encoding="utf-8"), "application/json")
    requested: list[str] = []

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/favicon.ico":  # the browser's own, whenever it likes: not the page's
            route.fulfill(status=204, body="")
            return
        requested.append(path)
        if path not in files:
            route.fulfill(status=404, body="")
            return
        body, kind = files[path]
        route.fulfill(
            status=200, body=body, headers={"Content-Type": f"{kind}; charset=utf-8", "Content-Security-Policy": CSP}
        )

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="tg-TJ", is_mobile=True)
    try:
        context.route("**/*", serve)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("() => window.ready === true")
        loaded = list(requested)
        context.set_offline(True)
        got: dict[str, Any] = page.evaluate("(vectors) => window.check(vectors)", VECTORS)
        assert requested == loaded, "a search made a request"
        assert sorted(loaded) == sorted(files), loaded
        assert not errors, errors
    finally:
        context.close()
    assert got["keys"] == [c["name_key"] for c in VECTORS["keys"]]
    assert got["licences"] == [c["key"] for c in VECTORS["licences"]]
    assert got["verdicts"] == [c["verdict"] for c in VECTORS["verdicts"]]
    for case, ids in zip(VECTORS["searches"], got["searches"], strict=True):
        assert ids == case["ids"], (case["country"], case["query"], case["why"])
