"""Domains load by route in Lambda (chalicelib/core/domains.py): the table saying which modules
serve which first segments must lead every route to the module that registers it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from chalicelib.core.domains import DomainApp
from tests.conftest import ROOT


def _routes() -> list[tuple[str, str, str]]:
    from app import app

    return [
        (path, method, entry.view_function.__module__)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if "+}" not in path  # the catch-all is the app's own
    ]


def test_every_route_is_served_by_the_module_that_registers_it() -> None:
    from app import app

    routes = _routes()
    assert len(routes) > 40
    lost = [(method, path, owner) for path, method, owner in routes if owner not in app.modules_for(path)]
    assert not lost, f"add these routes' first segments to SERVED_BY in app.py: {lost}"


def test_every_prefix_leads_to_a_route_and_every_module_is_reached() -> None:
    from app import SERVED_BY, app

    paths = {path for path, _, _ in _routes()}
    dead = [p for p in SERVED_BY if not any(path == p or path.startswith(p + "/") for path in paths)]
    assert not dead, dead
    reached = {name for names in SERVED_BY.values() for name in names}
    assert reached == set(app.blueprints)
    owners = {owner for _, _, owner in _routes()}
    assert owners == set(app.blueprints)


def test_the_longest_listed_prefix_wins_and_an_unknown_route_loads_nothing() -> None:
    from app import app

    assert app.modules_for("/api/staff/me") == ("chalicelib.auth.routes",)
    assert app.modules_for("/api/staff/complaints/{complaint_id}/notes") == ("chalicelib.complaints.triage_routes",)
    assert "chalicelib.bookings.routes" in app.modules_for("/api/centres/{centre_id}/services/{service_id}/slots")
    assert app.modules_for("/api/{proxy+}") == () and app.modules_for("/") == () and app.modules_for("") == ()


def test_a_table_naming_a_module_without_blueprints_is_refused() -> None:
    with pytest.raises(ValueError, match=r"chalicelib\.nowhere"):
        DomainApp("x", {"chalicelib.health.routes": (("bp", "/api"),)}, {"/api/x": ("chalicelib.nowhere",)})


def test_lambdas_init_loads_no_domain_and_a_request_loads_only_its_own() -> None:
    """In a fresh Python with Lambda's variable set: after `import app`, no domain module (nor
    pydantic models of any domain) is loaded; after loading /api/feedback's, only feedback's."""
    script = """
import json, sys
import app
before = sorted(m for m in sys.modules if m.startswith("chalicelib.") and not m.startswith("chalicelib.core"))
routes = sum(len(m) for m in app.app.routes.values())
app.app.load(app.app.modules_for("/api/feedback"))
print(json.dumps({"before": before, "routes": routes, "loaded": sorted(app.app.loaded),
                  "after": sorted(m for m in sys.modules if m.startswith("chalicelib.feedback"))}))
"""
    env = os.environ | {"AWS_LAMBDA_FUNCTION_NAME": "test", "AWS_DEFAULT_REGION": "eu-west-1"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT / "backend", capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == []
    assert seen["routes"] == 5  # the catch-all's five methods
    assert seen["loaded"] == ["chalicelib.feedback.routes"]
    assert "chalicelib.feedback.service" in seen["after"]


def test_out_of_lambda_the_whole_table_loads_at_import() -> None:
    from app import app

    assert app.loaded == frozenset(app.blueprints)
