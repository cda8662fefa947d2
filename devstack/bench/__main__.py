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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from devstack import ROOT
from devstack.dynamodb_local import free_port
from devstack.stack import LocalStack, StackConfig

HERE = Path(__file__).resolve().parent
REPORT = HERE / "report.md"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
GUIDE = "/guides/abroad/passport-confiscation/"
FIRST_VIEW_PAGES = ["/", GUIDE, "/centres/", "/centres/tj-dushanbe/", f"/ar{GUIDE}", f"/km{GUIDE}", f"/ru{GUIDE}"]
LIGHTHOUSE_PAGES = ["/", GUIDE, "/centres/", "/centres/tj-dushanbe/"]
BUDGET_BYTES = 60 * 1024


def build_site() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-f", "site/mkdocs.yml"],
                   cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


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
            [str(binary), url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
             "--only-categories=performance,accessibility,best-practices,seo",
             f"--chrome-flags={' '.join(FLAGS)}"],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        categories = json.loads(out.read_text())["categories"]
    return {name: round(cat["score"] * 100) for name, cat in categories.items()}


def api_latency(origin: str, path: str, runs: int = 60) -> dict[str, float]:
    import urllib.request

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        with urllib.request.urlopen(origin + path, timeout=10) as response:  # noqa: S310 - loopback
            response.read()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1]}


def booking_latency(origin: str, runs: int = 40) -> dict[str, dict[str, float]]:
    """p50/p95 of the slots route and of POST /api/bookings (each on its own seat of a course)."""
    import urllib.request

    def timed(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[float, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(origin + path, data=data, method=method,  # noqa: S310 - loopback only
                                         headers={"Content-Type": "application/json", **(headers or {})})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            payload = json.loads(response.read())
        return (time.perf_counter() - start) * 1000, payload

    slots_path = "/api/centres/tr-ankara/services/language_course/slots?days=14"
    slot_times, free = [], []
    for _ in range(runs):
        elapsed, payload = timed("GET", slots_path)
        slot_times.append(elapsed)
        free = [s["start"] for s in payload["slots"] if s["seats_left"] > 0]
    book_times = []
    for i in range(runs):
        elapsed, _ = timed("POST", "/api/bookings", {
            "centre_id": "tr-ankara", "service_id": "language_course", "start": free[i % len(free)],
            "mode": "on_site", "language": "tr"}, {"Idempotency-Key": f"bench-{time.time_ns()}-{i}"})
        book_times.append(elapsed)

    def summary(samples: list[float]) -> dict[str, float]:
        ordered = sorted(samples)
        return {"p50": statistics.median(ordered), "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)]}

    return {"GET slots (14 days)": summary(slot_times),
            "POST /api/bookings (with Idempotency-Key)": summary(book_times)}


def dynamodb_calls(stack: LocalStack) -> dict[str, str]:
    """DynamoDB operations each booking route makes, counted in process against DynamoDB Local."""
    sys.path.insert(0, str(ROOT / "backend"))
    from chalice.test import Client

    from app import app
    from chalicelib.core import aws

    for name, value in stack.api_env().items():
        os.environ[name] = value
    aws.reset_clients()
    calls: list[str] = []
    aws.dynamodb_client().meta.events.register("before-call.dynamodb.*",
                                               lambda model, **_: calls.append(model.name))
    found: dict[str, str] = {}
    with Client(app, stage_name="dev", project_dir=str(ROOT / "backend")) as client:
        for name, value in stack.api_env().items():
            os.environ[name] = value

        def count(label: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
            calls.clear()
            response = getattr(client.http, method)(path, body=json.dumps(body) if body is not None else None,
                                                    headers={"Content-Type": "application/json", **(headers or {})})
            found[label] = ", ".join(f"{n} x{calls.count(n)}" for n in dict.fromkeys(calls)) or "none"
            return json.loads(response.body)

        slots = count("GET slots (14 days)", "get", "/api/centres/tr-ankara/services/language_course/slots?days=14")
        start = next(s["start"] for s in slots["slots"] if s["seats_left"] > 0)
        booking = count("POST /api/bookings (with Idempotency-Key)", "post", "/api/bookings",
                        {"centre_id": "tr-ankara", "service_id": "language_course", "start": start, "mode": "on_site",
                         "language": "tr"}, {"Idempotency-Key": f"bench-calls-{time.time_ns()}"})
        code = {"X-Manage-Code": booking["manage_code"]}
        count("GET /api/bookings/{reference}", "get", f"/api/bookings/{booking['reference']}", None, code)
        count("DELETE /api/bookings/{reference}", "delete", f"/api/bookings/{booking['reference']}", None, code)
    aws.reset_clients()
    return found


def previous_figures() -> dict[str, str]:
    try:
        text = subprocess.run(["git", "show", f"HEAD:{REPORT.relative_to(ROOT)}"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    except subprocess.CalledProcessError:
        return {}
    figures = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= {"-", " "}:
            figures[cells[0]] = cells[1]
    return figures


def main() -> int:
    rows: list[tuple[str, str, str]] = []  # (figure, value, budget verdict)

    def add(name: str, value: str, verdict: str = "") -> None:
        rows.append((name, value, verdict))

    build_seconds = build_site()
    add("site build, 14 languages (s)", f"{build_seconds:.1f}", "")
    config = StackConfig(data_dir=Path(tempfile.mkdtemp(prefix="bench-")), port=0, dynamodb_port=free_port(),
                         table_name="passerelle-bench", workers=4)
    with LocalStack(config) as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for path in FIRST_VIEW_PAGES:
            view = first_view(browser, stack.url, path)
            kb = view["bytes"] / 1024
            add(f"first view {path} (KB, {view['requests']} requests)", f"{kb:.1f}",
                "ok" if view["bytes"] <= BUDGET_BYTES else f"OVER {BUDGET_BYTES // 1024} KB")
            add(f"third-party requests {path}", str(view["third_party"]), "ok" if view["third_party"] == 0 else "FAIL")
        browser.close()
        for lang in ("", "/ar"):
            for path in LIGHTHOUSE_PAGES:
                scores = lighthouse(f"{stack.url}{lang}{path}")
                for category, floor in (("performance", 95), ("accessibility", 100), ("best-practices", 100),
                                        ("seo", 95)):
                    if category not in scores:
                        add(f"lighthouse {category} {lang}{path}", "n/a", "LIGHTHOUSE FAILED 3 TIMES")
                        continue
                    add(f"lighthouse {category} {lang}{path}", str(scores[category]),
                        "ok" if scores[category] >= floor else f"below {floor}")
        for label, latency in booking_latency(stack.url).items():
            add(f"{label} p50 (ms)", f"{latency['p50']:.1f}")
            add(f"{label} p95 (ms)", f"{latency['p95']:.1f}")
        for label, operations in dynamodb_calls(stack).items():
            add(f"DynamoDB calls: {label}", operations)
        for path in ("/api/health", "/api/centres?lang=ru", "/api/centres/tj-dushanbe?lang=ar"):
            latency = api_latency(stack.url, path)
            add(f"GET {path} p50 (ms)", f"{latency['p50']:.1f}")
            add(f"GET {path} p95 (ms)", f"{latency['p95']:.1f}")

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
