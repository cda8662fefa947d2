"""`make bench`, evidence files: upload times through the local server for a 1 MB phone photo and
a 2 MB scanned PDF, the cleaner's own time for each (in process), drawing a page, and what files
cost to keep and show (cost.py). The samples are made here, with a fixed seed: noise compresses
badly, as a photo's and a scan's detail does."""

from __future__ import annotations

import base64
import io
import json
import random
import statistics
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from PIL import Image

from devstack.bench.cost import EvidenceUse, evidence_cost_rows

Add = Callable[..., None]
ROUNDS = 20


def noisy_jpeg(width: int, height: int, quality: int, seed: int) -> bytes:
    generator = random.Random(seed)  # noqa: S311 - test pixels, not a secret
    image = Image.frombytes("RGB", (width, height), generator.randbytes(width * height * 3))
    image = image.resize((width, height), Image.Resampling.BOX)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def photo_of(size: int) -> bytes:
    """A JPEG of about `size` bytes, no larger than a phone sends after re-encoding (2,000 px)."""
    side, data = 400, b""
    while len(data) < size and side <= 2000:
        data = noisy_jpeg(side, side * 3 // 4, 80, seed=side)
        side += 100
    return data


def scan_of(size: int) -> bytes:
    """A PDF of about `size` bytes: scanned pages (a JPEG each), as a phone's scanner app makes."""
    pages: list[Image.Image] = []
    data = b""
    while len(data) < size:
        pages.append(Image.open(io.BytesIO(noisy_jpeg(700, 990, 40, seed=len(pages)))))
        buffer = io.BytesIO()
        pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=150)
        data = buffer.getvalue()
    return data


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _upload_times(origin: str, data: bytes, headers: dict[str, str]) -> tuple[list[float], int]:
    from chalicelib.core import proof

    payload = {"filename": "file", "content_type": "application/octet-stream", "data": base64.b64encode(data).decode()}
    body = json.dumps(payload).encode()
    times: list[float] = []
    stored = 0
    for _ in range(ROUNDS):
        with urllib.request.urlopen(origin + "/api/challenge", timeout=30) as response:  # noqa: S310 - loopback
            challenge = json.loads(response.read())
        solved = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"
        request = urllib.request.Request(  # noqa: S310 - loopback only
            origin + "/api/complaints/attachments",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Proof": solved, **headers},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
            stored = int(json.loads(response.read())["bytes"])
        times.append((time.perf_counter() - start) * 1000)
    return times, stored


def _median_ms(work: Callable[[], Any], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def evidence_figures(origin: str, add: Add) -> None:
    from chalicelib.evidence.cleaner import clean, render_pages

    photo, pdf = photo_of(1_000_000), scan_of(2_000_000)
    stored: dict[str, int] = {}
    for label, data in (("1 MB photo", photo), ("2 MB PDF", pdf)):
        times, stored[label] = _upload_times(origin, data, {})
        p50, p95 = _percentiles(times)
        name = (
            f"POST /api/complaints/attachments, {label} ({len(data) / 1e6:.2f} MB) p50 / p95 (ms, {len(times)} calls)"
        )
        add(name, f"{p50:.1f} / {p95:.1f}")
    clean_photo = _median_ms(lambda: clean(photo))
    clean_pdf = _median_ms(lambda: clean(pdf))
    clean_copy = clean(pdf).data
    render = _median_ms(lambda: render_pages(clean_copy, 1, 1400))
    add("cleaning a 1 MB photo, in process (ms, median of 5)", f"{clean_photo:.0f}")
    add("cleaning a 2 MB PDF, in process (ms, median of 5)", f"{clean_pdf:.0f}")
    add("drawing one PDF page at 1,400 px, in process (ms, median of 5)", f"{render:.0f}")
    kept = f"{stored['1 MB photo'] / 1024:.0f} / {stored['2 MB PDF'] / 1024:.0f}"
    add("stored after cleaning: 1 MB photo / 2 MB PDF (KB)", kept)
    use = EvidenceUse(
        photo_sent=len(photo),
        photo_stored=stored["1 MB photo"],
        pdf_sent=len(pdf),
        pdf_stored=stored["2 MB PDF"],
        clean_photo_ms=clean_photo,
        clean_pdf_ms=clean_pdf,
        render_page_ms=render,
    )
    for name, value in evidence_cost_rows(use):
        add(name, value)
