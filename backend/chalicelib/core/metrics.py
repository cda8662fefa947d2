"""Business and abuse counts as CloudWatch metrics (Powertools `Metrics`, embedded metric format).

Each request's counts go out in one EMF line on stdout when the request ends (app.py's
middleware); CloudWatch turns them into metrics in the `Passerelle` namespace, with the alarms of
infra/template.yaml on the abuse ones. What is counted, and nothing more:

    BookingsCreated, WaitlistJoined, Cancellations, ComplaintsSubmitted   (what people did)
    LookupFailures   a receipt or a reference + manage code that opened nothing
    RateLimited      a 429, whichever limit answered it
    ProofFailures    an X-Proof header missing, forged, expired or not solved

The only dimension is the service (each stage is a stack of its own): never a centre, a route
value, an address, a phone, a reference or anything else about a person (tests/unit/test_metrics.py
reads the EMF).
A count is a number and a name; no metadata is ever added.
"""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.metrics import Metrics, MetricUnit

NAMESPACE = "Passerelle"
SERVICE = "passerelle-api"
Counted = Literal[
    "BookingsCreated",
    "WaitlistJoined",
    "Cancellations",
    "ComplaintsSubmitted",
    "LookupFailures",
    "RateLimited",
    "ProofFailures",
]

metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def count(name: Counted) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def flush() -> None:
    """Write this request's counts (one EMF line), if any; called once per request."""
    if metrics.metric_set:
        metrics.flush_metrics(raise_on_empty_metrics=False)
