"""A phone whose locale is tg-TJ, km-KH or my-MM: Chromium has no CLDR data for it, and
assets/i18n/format.js with the data the site ships still writes 5 December 2026 with real month
names. The page is a small one served from a temporary folder (format.js and the generated
modules only), under the site's Content-Security-Policy: no inline script, no eval."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time, get_datetime_format
from playwright.sync_api import Browser, expect

from devstack.cldr import compile_cldr
from tests.cldr_vectors import native
from tests.conftest import ROOT
from tests.e2e.conftest import RESULTS

pytestmark = pytest.mark.e2e
FORMAT_JS = ROOT / "site" / "overrides" / "assets" / "i18n" / "format.js"
DUSHANBE = ZoneInfo("Asia/Dushanbe")
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">
<script type="module" src="page.js"></script></head>
<body><h1>5 December 2026</h1><dl id="out"></dl></body></html>
"""
# What a page of the portal does: load the reader's language, then format.
SCRIPT = """import { load, formatDate, formatDateTime, pluralForm } from "./format.js";

const lang = await load(navigator.language);
const out = document.getElementById("out");
function show(key, text) {
  const term = document.createElement("dt");
  term.textContent = key;
  const value = document.createElement("dd");
  value.id = key;
  value.textContent = text;
  out.append(term, value);
}
for (const style of ["short", "medium", "long", "full"]) show(style, formatDate(lang, "2026-12-05", { style }));
show("booking", formatDateTime(lang, "2026-12-05T04:30:00Z", { dateStyle: "full", timeStyle: "short",
  timeZone: "Asia/Dushanbe" }));
show("seats", pluralForm(lang, 1, { one: "{n} one", other: "{n} other" }));
show("intl", new Intl.DateTimeFormat(navigator.language, { dateStyle: "full" }).format(new Date(2026, 11, 5)));
document.body.dataset.lang = lang;
"""


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def test_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("cldr-page")
    compile_cldr(site_out=folder / "cldr", backend_out=folder / "backend")
    shutil.copy(FORMAT_JS, folder / "format.js")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "page.js").write_text(SCRIPT, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("locale", ["tg-TJ", "km-KH", "my-MM"])
def test_a_phone_without_cldr_data_reads_real_month_names(browser: Browser, test_page: str, locale: str) -> None:
    lang = locale.split("-")[0]
    context = browser.new_context(
        locale=locale,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        timezone_id="Asia/Dushanbe",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(test_page)
        expect(page.locator("body")).to_have_attribute("data-lang", lang)
        saturday = date(2026, 12, 5)
        for style in ("short", "medium", "long", "full"):
            expect(page.locator(f"#{style}")).to_have_text(native(lang, format_date(saturday, style, locale=lang)))
        full = page.locator("#full").inner_text()
        full_text = format_date(saturday, "full", locale=lang)
        assert format_date(saturday, "MMMM", locale=lang) in full and "M12" not in full, full
        at = format_time(datetime(2026, 12, 5, 4, 30, tzinfo=UTC), "short", tzinfo=DUSHANBE, locale=lang)
        glue = str(get_datetime_format("full", locale=lang)).replace("'", "")
        expect(page.locator("#booking")).to_have_text(native(lang, glue.replace("{0}", at).replace("{1}", full_text)))
        expect(page.locator("#seats")).to_have_text(native(lang, "1 other"))  # no "one" form in tg, km, my
        print(f"{locale}: ours {full!r}; Chromium's own Intl {page.locator('#intl').inner_text()!r}")
        assert not errors, errors
    except AssertionError:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"cldr-{locale}.png"), full_page=True)
        raise
    finally:
        context.close()
