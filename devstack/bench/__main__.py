"""`make bench`: measure the portal on this machine and write devstack/bench/report.md.

Figures come from one real run: the site build, the local stack with DynamoDB Local, Debian's
Chromium driven through the DevTools protocol, and Lighthouse. The report compares each figure
with the last committed report. Budgets are checked here, never by timed tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from devstack import ROOT, SITE_DIR, api_bundle, cleaner_bundle
from devstack.bench.cost import RouteUse, cost_rows, sms_rows
from devstack.bench.evidence import evidence_figures
from devstack.dynamodb_local import free_port
from devstack.server import ORIGIN_HEADER
from devstack.stack import LocalStack, StackConfig

HERE = Path(__file__).resolve().parent
REPORT = HERE / "report.md"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GUIDE = "/guides/abroad/passport-confiscation/"
# "Check a recruiter" loads its first country's list on first view: its weight includes one list.
CHECK = "/recruiters/"
FIRST_VIEW_PAGES = [
    "/",
    GUIDE,
    "/centres/",
    "/centres/tj-dushanbe/",
    f"/ar{GUIDE}",
    f"/km{GUIDE}",
    f"/ru{GUIDE}",
    CHECK,
    f"/tg{CHECK}",
]
LIGHTHOUSE_PAGES = ["/", GUIDE, "/centres/", "/centres/tj-dushanbe/"]
BUDGET_BYTES = 60 * 1024
IMPORT_RATIO_BUDGET = 1.25  # the handler's cold import over boto3 + a DynamoDB client's (issue 16)


# A word of a guide in each language, typed into search as a phone keyboard does (input events).
SEARCH_WORDS = {"en": "passport", "ru": "патент", "tg": "шартнома", "km": "លិខិត", "my": "ပတ်စ်ပို့", "ar": "عقد"}
CPU_SLOWDOWN = 4  # a low-end phone, as Lighthouse's mobile profile


def build_site() -> float:
    start = time.perf_counter()
    for step in (["-m", "mkdocs", "build", "--quiet", "--strict", "-f", "site/mkdocs.yml"], ["-m", "devstack.search"]):
        subprocess.run(
            [sys.executable, *step],
            cwd=ROOT,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def search_index_weights() -> dict[str, int]:
    """Each language's search index as sent (brotli), in bytes."""
    import brotli

    from chalicelib.core.i18n import SITE_LANGUAGES
    from devstack.search import index_path

    return {lang: len(brotli.compress(index_path(SITE_DIR, lang).read_bytes())) for lang in SITE_LANGUAGES}


def first_search_result(browser: Browser, origin: str, lang: str, word: str) -> float:
    """Milliseconds from tapping search on a guide (nothing of search loaded yet) to the first result of
    `word`, typed as a phone keyboard sends it, on a 360-px phone with a CPU 4 times slower."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(f"{origin}/{'' if lang == 'en' else lang + '/'}guides/abroad/rights-at-work/")
    page.wait_for_load_state("networkidle")
    start = time.perf_counter()
    page.locator("label.md-header__button[for=__search]").tap()
    page.locator("input.md-search__input").focus()
    page.keyboard.insert_text(word)
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    elapsed = (time.perf_counter() - start) * 1000
    context.close()
    return elapsed


def first_view(browser: Browser, origin: str, path: str) -> dict[str, Any]:
    """Every byte the browser fetched for a first view (compressed, headers included), and how many
    requests left the origin."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(origin + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    context.close()
    fetched = [u for u in urls.values() if not u.startswith("data:")]
    third_party = [u for u in fetched if not u.startswith(origin)]
    return {"bytes": sum(sizes.values()), "requests": len(fetched), "third_party": len(third_party)}


def lighthouse(url: str, tries: int = 3) -> dict[str, int]:
    """Lighthouse's scores; a run that crashes (it happens on a loaded machine) is tried again."""
    for attempt in range(tries):
        try:
            return _lighthouse_once(url)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, KeyError, ValueError):
            if attempt == tries - 1:
                return {}
    return {}


def _lighthouse_once(url: str) -> dict[str, int]:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--form-factor=mobile",
                "--only-categories=performance,accessibility,best-practices,seo",
                f"--chrome-flags={' '.join(FLAGS)}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            timeout=240,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        categories = json.loads(out.read_text())["categories"]
    return {name: round(cat["score"] * 100) for name, cat in categories.items()}


Call = Callable[[str, str, str, Any, "dict[str, str] | None"], Any]


def solved(call: Call) -> dict[str, str]:
    """A proof of work for an anonymous submission, solved as the browser does (not timed)."""
    from chalicelib.core import proof

    challenge = call("GET /api/challenge", "GET", "/api/challenge", None, None)
    return {"X-Proof": f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"}


def scenario(call: Call, round_number: int) -> None:
    """One visit to every public route, as people use them: look, book, manage, complain, follow up."""
    call("GET /api/health", "GET", "/api/health", None, None)
    call("GET /api/centres", "GET", "/api/centres?lang=ru", None, None)
    call("GET /api/centres/{id}", "GET", "/api/centres/tj-dushanbe?lang=ar", None, None)
    slots = call(
        "GET .../slots (14 days)", "GET", "/api/centres/tr-ankara/services/language_course/slots?days=14", None, None
    )
    free = [s["start"] for s in slots["slots"] if s["seats_left"] > 0]
    booking = call(
        "POST /api/bookings",
        "POST",
        "/api/bookings",
        {
            "centre_id": "tr-ankara",
            "service_id": "language_course",
            "start": free[round_number % len(free)],
            "mode": "on_site",
            "language": "tr",
        },
        {"Idempotency-Key": f"bench-{time.time_ns()}-{round_number}", **solved(call)},
    )
    code = {"X-Manage-Code": booking["manage_code"]}
    reference = booking["reference"]
    call("GET /api/bookings/{reference}", "GET", f"/api/bookings/{reference}", None, code)
    call("GET .../calendar.ics", "GET", f"/api/bookings/{reference}/calendar.ics", None, code)
    call(
        "PATCH /api/bookings/{reference}",
        "PATCH",
        f"/api/bookings/{reference}",
        {"start": free[(round_number + 7) % len(free)]},
        code,
    )
    call("DELETE /api/bookings/{reference}", "DELETE", f"/api/bookings/{reference}", None, code)
    waiting = call(
        "POST /api/waitlist",
        "POST",
        "/api/waitlist",
        {
            "centre_id": "tr-ankara",
            "service_id": "language_course",
            "date": free[0][:10],
            "mode": "on_site",
            "language": "tr",
        },
        solved(call),
    )
    # leaving the waiting list gives the place back: the bench's one address holds at most two at a time
    call(
        "DELETE /api/bookings/{reference} (waiting)",
        "DELETE",
        f"/api/bookings/{waiting['reference']}",
        None,
        {"X-Manage-Code": waiting["manage_code"]},
    )
    submitted = call(
        "POST /api/complaints",
        "POST",
        "/api/complaints",
        {
            "category": "unpaid_wages",
            "country": "MY",
            "language": "vi",
            "centre_id": "tj-dushanbe",
            "description": "Benchmark complaint: wages unpaid for two months.",
        },
        solved(call),
    )
    call("POST /api/complaints/lookup", "POST", "/api/complaints/lookup", {"receipt": submitted["receipt"]}, None)
    call(
        "POST /api/complaints/messages",
        "POST",
        "/api/complaints/messages",
        {"receipt": submitted["receipt"], "text": "Any news?"},
        None,
    )
    if not STAFF:
        return
    # The staff side: a manager's queue (the complaint above is the newest), the case, an
    # acknowledgement, a day's agenda, the dashboard.
    queue = call("GET /api/staff/complaints", "GET", "/api/staff/complaints?status=new&sort=newest", None, STAFF)
    case_id = queue["complaints"][0]["id"]
    call("GET /api/staff/complaints/{id}", "GET", f"/api/staff/complaints/{case_id}", None, STAFF)
    call(
        "POST /api/staff/complaints/{id}/status",
        "POST",
        f"/api/staff/complaints/{case_id}/status",
        {"status": "acknowledged", "expected": "new"},
        STAFF,
    )
    call(
        "GET /api/staff/centres/{centre}/agenda",
        "GET",
        f"/api/staff/centres/tr-ankara/agenda?date={free[0][:10]}",
        None,
        ADMIN,
    )
    call("GET /api/staff/dashboard", "GET", "/api/staff/dashboard?centre=tj-dushanbe", None, STAFF)


# Staff tokens for the scenario, minted by the local identity provider once the stack runs.
STAFF: dict[str, str] = {}
ADMIN: dict[str, str] = {}


def route_latency(origin: str, rounds: int = 30) -> dict[str, list[float]]:
    import urllib.request

    samples: dict[str, list[float]] = {}

    def call(label: str, method: str, path: str, body: Any, headers: dict[str, str] | None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - loopback only
            origin + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            raw = response.read()
        samples.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        return json.loads(raw) if raw[:1] in (b"{", b"[") else raw

    for number in range(rounds):
        scenario(call, number)
    return samples


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


@dataclass
class RouteMeasure:
    """One route's DynamoDB operations and capacity units (ReturnConsumedCapacity), and the handler's
    time in process (median of the rounds)."""

    operations: str
    units: float
    read_units: float
    write_units: float
    milliseconds: float


READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}


def dynamodb_per_route(stack: LocalStack, rounds: int = 5) -> dict[str, RouteMeasure]:
    """DynamoDB operations and consumed capacity (ReturnConsumedCapacity) of each route, in process."""
    from chalice.test import Client

    from app import app
    from chalicelib.core import aws

    for name, value in stack.api_env().items():
        os.environ[name] = value
    aws.reset_clients()
    calls: list[str] = []
    capacity: list[tuple[str, float]] = []
    client = aws.dynamodb_client()
    measurable = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "TransactWriteItems", "BatchGetItem"}

    def ask_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append(model.name)
        if model.name in measurable:
            params["ReturnConsumedCapacity"] = "TOTAL"

    def read_capacity(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity")
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            capacity.append((model.name, float(entry.get("CapacityUnits", 0))))

    client.meta.events.register("provide-client-params.dynamodb.*", ask_capacity)
    client.meta.events.register("after-call.dynamodb.*", read_capacity)
    found: dict[str, RouteMeasure] = {}
    times: dict[str, list[float]] = {}
    with Client(app, stage_name="dev", project_dir=str(ROOT / "backend")) as test_client:
        for name, value in stack.api_env().items():
            os.environ[name] = value
        # In process, the bench stands where CloudFront (the portal's server, locally) stands.
        assert stack.server is not None and stack.server.origin_secret is not None
        edge = {ORIGIN_HEADER: stack.server.origin_secret}

        def call(label: str, method: str, path: str, body: Any, headers: dict[str, str] | None) -> Any:
            calls.clear()
            capacity.clear()
            start = time.perf_counter()
            response = getattr(test_client.http, method.lower())(
                path,
                body=json.dumps(body) if body is not None else None,
                headers={"Content-Type": "application/json", **edge, **(headers or {})},
            )
            times.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            reads = sum(units for name, units in capacity if name in READS)
            found[label] = RouteMeasure(
                operations=", ".join(f"{n} x{calls.count(n)}" for n in dict.fromkeys(calls)) or "none",
                units=sum(units for _, units in capacity),
                read_units=reads,
                write_units=sum(units for _, units in capacity) - reads,
                milliseconds=statistics.median(times[label]),
            )
            return json.loads(response.body) if response.body[:1] in (b"{", b"[") else response.body

        for number in range(rounds):
            scenario(call, 1000 + number)
    aws.reset_clients()
    return found


def bundle_figures(add: Add) -> None:
    """The API's bundle as `make package` builds it (slimmed), its weight and cold import; the
    evidence cleaner's bundle, its weight."""
    with tempfile.TemporaryDirectory(prefix="package-") as folder:
        archive = api_bundle.package(Path(folder) / "package") / "deployment.zip"
        size = api_bundle.unzipped_bytes(archive)
        budget = api_bundle.BUDGET_BYTES
        add("API bundle, unzipped (MB)", f"{size / 1e6:.1f}", "ok" if size <= budget else f"OVER {budget / 1e6:.0f} MB")
        add("API bundle, zipped (MB)", f"{archive.stat().st_size / 1e6:.1f}")
        times = api_bundle.cold_imports(archive)
    runs, wall, cpu = times["runs"], times["wall"], times["cpu"]
    add(f"cold import of the handler as Lambda imports it, bare Python (s, median of {runs})", f"{wall['handler']:.2f}")
    add(f"cold import of boto3 + a DynamoDB client (s, median of {runs})", f"{wall['floor']:.2f}")
    add(f"  the same, CPU seconds (handler / floor, medians of {runs})", f"{cpu['handler']:.2f} / {cpu['floor']:.2f}")
    for label, ratio in (
        ("cold import ratio, handler / floor (wall)", wall["handler"] / wall["floor"]),
        ("cold import ratio, handler / floor (CPU)", cpu["handler"] / cpu["floor"]),
    ):
        add(label, f"{ratio:.2f}", "ok" if ratio <= IMPORT_RATIO_BUDGET else f"over {IMPORT_RATIO_BUDGET}")
    add(
        "  handler + the booking domain's modules / floor (CPU; a cold booking's first answer, before its DB call)",
        f"{cpu['handler + booking'] / cpu['floor']:.2f}",
    )
    cleaner = cleaner_bundle.build()
    add("evidence cleaner bundle, unzipped (MB)", f"{cleaner['unzipped_bytes'] / 1e6:.1f}")


def previous_figures() -> dict[str, str]:
    try:
        text = subprocess.run(
            ["git", "show", f"HEAD:{REPORT.relative_to(ROOT)}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except subprocess.CalledProcessError:
        return {}
    figures = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= {"-", " "}:
            figures[cells[0]] = cells[1]
    return figures


Add = Callable[..., None]  # add(figure, value, budget verdict="")


def main(argv: list[str]) -> int:
    rows: list[tuple[str, str, str]] = []  # (figure, value, budget verdict)

    def add(name: str, value: str, verdict: str = "") -> None:
        rows.append((name, value, verdict))

    if "--bundle" in argv:  # only the bundles' figures, printed (python -m devstack.bench --bundle)
        bundle_figures(add)
        print("\n".join(f"| {name} | {value} | {verdict} |" for name, value, verdict in rows))
        return 0

    build_seconds = build_site()
    add("site build, 14 languages (s)", f"{build_seconds:.1f}", "")
    # Every call of the scenario comes from one address: the per-source limits on complaints and
    # look-ups (10 in 10 minutes) are lifted, or the rounds would measure 429s.
    config = StackConfig(
        data_dir=Path(tempfile.mkdtemp(prefix="bench-")),
        port=0,
        dynamodb_port=free_port(),
        table_name="passerelle-bench",
        workers=4,
        env={
            "COMPLAINTS_PER_SOURCE": "100000",
            "LOOKUP_FAILURES_PER_SOURCE": "100000",
            "ATTACHMENTS_PER_SOURCE": "100000",
        },
    )
    with LocalStack(config) as stack, sync_playwright() as playwright:
        STAFF.update(stack.staff_headers("manager.dushanbe"))
        ADMIN.update(stack.staff_headers("admin"))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        guide_view = _first_views(browser, stack.url, add)
        _search_figures(browser, stack.url, add)
        browser.close()
        _lighthouse_scores(stack.url, add)
        _api_figures(stack, guide_view, add)
        evidence_figures(stack.url, add)
    bundle_figures(add)
    _write_report(rows)
    return 0


def _first_views(browser: Any, url: str, add: Add) -> dict[str, Any]:
    """Each first-view page's weight and third-party requests; the guide's view, for the costs."""
    guide_view: dict[str, Any] = {}
    for path in FIRST_VIEW_PAGES:
        view = first_view(browser, url, path)
        if path == GUIDE:
            guide_view = view
        kb = view["bytes"] / 1024
        add(
            f"first view {path} (KB, {view['requests']} requests)",
            f"{kb:.1f}",
            "ok" if view["bytes"] <= BUDGET_BYTES else f"OVER {BUDGET_BYTES // 1024} KB",
        )
        add(f"third-party requests {path}", str(view["third_party"]), "ok" if view["third_party"] == 0 else "FAIL")
    return guide_view


def _search_figures(browser: Any, url: str, add: Add) -> None:
    for lang, size in search_index_weights().items():
        add(f"search index {lang} (KB, brotli)", f"{size / 1024:.1f}")
    for lang, word in SEARCH_WORDS.items():
        add(
            f"search: first result of {word!r} in {lang}, 4x slower CPU (ms)",
            f"{first_search_result(browser, url, lang, word):.0f}",
        )


def _lighthouse_scores(url: str, add: Add) -> None:
    floors = (("performance", 95), ("accessibility", 100), ("best-practices", 100), ("seo", 95))
    for lang in ("", "/ar"):
        for path in LIGHTHOUSE_PAGES:
            scores = lighthouse(f"{url}{lang}{path}")
            for category, floor in floors:
                if category not in scores:
                    add(f"lighthouse {category} {lang}{path}", "n/a", "LIGHTHOUSE FAILED 3 TIMES")
                    continue
                verdict = "ok" if scores[category] >= floor else f"below {floor}"
                add(f"lighthouse {category} {lang}{path}", str(scores[category]), verdict)


def _api_figures(stack: LocalStack, guide_view: dict[str, Any], add: Add) -> None:
    for label, values in route_latency(stack.url).items():
        p50, p95 = percentiles(values)
        add(f"{label} p50 / p95 (ms, {len(values)} calls)", f"{p50:.1f} / {p95:.1f}")
    measured = dynamodb_per_route(stack)
    for label, route in measured.items():
        add(f"DynamoDB per call: {label}", f"{route.operations}; {route.units:g} capacity units")
    # The cost section (infra/README.md): measured units and times at list prices.
    routes = {label: RouteUse(r.read_units, r.write_units, r.milliseconds) for label, r in measured.items()}
    for name, value in cost_rows(routes, guide_view["bytes"], guide_view["requests"]) + sms_rows():
        add(name, value)


def _write_report(rows: list[tuple[str, str, str]]) -> None:
    before = previous_figures()
    lines = [
        "# Benchmark report",
        "",
        f"Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by `make bench` on this machine "
        f"({os.cpu_count()} cores): one real run of the site build, the local stack on DynamoDB Local, "
        "Debian's Chromium and Lighthouse (mobile). First-view bytes are everything the browser fetched, "
        "compressed, headers included.",
        "",
        "| figure | value | budget | last committed |",
        "|---|---|---|---|",
    ]
    for name, value, verdict in rows:
        old = before.get(name, "")
        lines.append(f"| {name} | {value} | {verdict} | {old if old != value else '='} |")
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    failures = [r for r in rows if r[2] and r[2] != "ok"]
    print(f"\n{len(rows)} figures, {len(failures)} outside budget; report: {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
