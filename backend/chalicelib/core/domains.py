"""A Chalice app whose blueprints load by domain, so that a cold start pays only for what its first
request needs.

Everywhere but Lambda (the local server, the tests, `chalice package`, the OpenAPI build) the app
loads every domain at import: the route table is whole. In Lambda a domain's routes module (with
its models, services and the libraries they use) loads with the first request to one of its
routes: a phone asking for a centre's free times does not wait for the staff console's modules,
and nobody waits at init for a module only some requests need (issue 16: the handler's cold import
stays within 1.25x of boto3 and a DynamoDB client's).

Which modules serve a route is said by the first segments of its template (`served_by`); a test
checks every route of the whole table against it, so a route a prefix does not lead to fails
`make test`, not production."""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalice.app import Chalice

#: A routes module's blueprints: (attribute, URL prefix or None).
Blueprints = Mapping[str, Sequence[tuple[str, str | None]]]


def in_lambda() -> bool:
    """Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


class DomainApp(Chalice):
    def __init__(self, app_name: str, blueprints: Blueprints, served_by: Mapping[str, Sequence[str]]) -> None:
        super().__init__(app_name=app_name)
        unknown = {name for names in served_by.values() for name in names} - set(blueprints)
        if unknown:
            raise ValueError(f"served_by names modules without blueprints: {sorted(unknown)}")
        self.blueprints, self.served_by = blueprints, served_by
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    @property
    def loaded(self) -> frozenset[str]:
        return frozenset(self._loaded)

    def modules_for(self, resource: str) -> tuple[str, ...]:
        """The modules serving a route template: those of its longest listed prefix of whole
        segments; none for a template no prefix leads to (the catch-all's 404 answers it)."""
        segments = resource.rstrip("/").split("/")
        for end in range(len(segments), 1, -1):
            modules = self.served_by.get("/".join(segments[:end]))
            if modules is not None:
                return tuple(modules)
        return ()

    def load(self, modules: Iterable[str]) -> None:
        """Import each module once and register its blueprints."""
        with self._lock:
            for name in modules:
                if name in self._loaded:
                    continue
                module = importlib.import_module(name)
                for attribute, url_prefix in self.blueprints[name]:
                    self.register_blueprint(getattr(module, attribute), url_prefix=url_prefix)
                self._loaded.add(name)

    def load_all(self) -> None:
        self.load(self.blueprints)

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        """API Gateway names the route template it matched (`resource`): its domain loads first."""
        if isinstance(event, dict):
            self.load(self.modules_for(str(event.get("resource") or "")))
        return super().__call__(event, context)
