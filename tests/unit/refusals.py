"""What the API refuses with, read from the backend's source: the `error.code`s its refusals name
(`code="..."` where one is raised, or an error class's own `code = "..."`) and the inputs they blame
(`field="..."`). For the contract's list of codes (tests/unit/test_openapi.py) and the staff
console's table of messages (tests/unit/test_staff_console.py).

`Backend.refusals` follows what a route's view can run, definition by definition: every function,
method or class of the backend that a reached one names (called, or handed on as a callback), as
far as names resolve without running anything: the module's own functions and classes, imported
names (at the top or inside a function), `module.name`, `self.name`, and the methods of a
module-level instance (`signing_keys = _Keys()`). A method called on any other object is not
followed, so `methods_naming_codes` must stay empty (test_staff_console.py checks it): a class's
methods raise no API error (pydantic validators raise ValueError, which is `field_invalid`).
So a staff route's refusals are those of its view, of `staff_route`'s sign-in check and of what
they call, and none of the public routes' that merely share a module with them."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

BACKEND = ROOT / "backend"
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
ANY = "*"  # the input a refusal blames is computed where it is raised


def constant_keyword(call: ast.Call, name: str) -> str | None:
    """The string given as `name=` to `call`, when it is written there as a string."""
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    return None


def class_code(node: ast.ClassDef) -> str | None:
    """An error class's own code (`code = "..."` in its body)."""
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and [getattr(t, "id", None) for t in statement.targets] == ["code"]
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            return statement.value.value
    return None


@dataclass
class Refusals:
    """The codes and blamed inputs of the refusals some routes can make, and every definition they
    can run (qualified names)."""

    codes: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)
    # each code with the input it blames where it is raised (None: no one input; ANY: a name
    # computed there, `field=field`)
    pairs: set[tuple[str, str | None]] = field(default_factory=set)


def module_name(path: Path) -> str:
    parts = path.relative_to(BACKEND).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class Backend:
    """The backend's modules; their top-level functions and classes and the classes' methods, by
    qualified name (`chalicelib.complaints.triage.refer`); what each module's names stand for."""

    modules: dict[str, ast.Module] = field(default_factory=dict)
    defs: dict[str, Definition] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls) -> Backend:
        backend = cls()
        for path in [BACKEND / "app.py", *sorted((BACKEND / "chalicelib").rglob("*.py"))]:
            backend.modules[module_name(path)] = ast.parse(path.read_text(encoding="utf-8"))
        for module, tree in backend.modules.items():
            backend._define(module, tree)
        for module, tree in backend.modules.items():
            backend._instances(module, tree)
        return backend

    def _define(self, module: str, tree: ast.Module) -> None:
        names = self.names.setdefault(module, {})
        for node in ast.walk(tree):  # imports inside a function too (loaded when it first runs)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
        for node in tree.body:
            if isinstance(node, Definition):
                names[node.name] = f"{module}.{node.name}"
                self.defs[f"{module}.{node.name}"] = node
                for member in node.body if isinstance(node, ast.ClassDef) else ():
                    if isinstance(member, FUNCTIONS):
                        self.defs[f"{module}.{node.name}.{member.name}"] = member

    def _instances(self, module: str, tree: ast.Module) -> None:
        """`signing_keys = _Keys()`: the name stands for its class, so `signing_keys.get` is a method."""
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                made = self.resolve(module, None, node.value.func) if isinstance(node.value, ast.Call) else None
                if made and isinstance(self.defs[made], ast.ClassDef):
                    self.names[module][node.targets[0].id] = made

    def resolve(self, module: str, owner: str | None, node: ast.expr) -> str | None:
        """The backend's definition a name or `a.b` stands for in `module` (inside class `owner`)."""
        if isinstance(node, ast.Name):
            target = self.names[module].get(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = owner if node.value.id in ("self", "cls") else self.names[module].get(node.value.id)
            target = f"{base}.{node.attr}" if base else None
        else:
            return None
        for _ in range(5):  # a name a package or module imported from elsewhere
            if target is None or target in self.defs:
                return target
            home, _, name = target.rpartition(".")
            target = self.names.get(home, {}).get(name)
        return None

    def home(self, qualified: str) -> tuple[str, str | None]:
        """The module a definition is in, and its class when it is a class or a method."""
        module = qualified
        while module not in self.modules:
            module = module.rpartition(".")[0]
        top = qualified[len(module) + 1 :].split(".")[0]
        cls = f"{module}.{top}"
        return module, cls if isinstance(self.defs.get(cls), ast.ClassDef) else None

    def methods_naming_codes(self) -> list[str]:
        """The methods that raise an API error with a code of its own (`code="..."`)."""
        return sorted(
            qualified
            for qualified, node in self.defs.items()
            if isinstance(node, FUNCTIONS)
            and self.home(qualified)[1]
            and any(isinstance(call, ast.Call) and constant_keyword(call, "code") for call in ast.walk(node))
        )

    def views(self, decorator: str) -> Iterator[str]:
        """The functions a decorator of this name registers (`@staff_route(...)`)."""
        for module, tree in self.modules.items():
            for node in tree.body:
                if isinstance(node, FUNCTIONS) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", None) == decorator for d in node.decorator_list
                ):
                    yield f"{module}.{node.name}"

    def refusals(self, roots: Iterable[str]) -> Refusals:
        """Every refusal the roots can make, through all they can run."""
        found = Refusals()
        seen = found.reached
        todo = list(roots)
        while todo:
            qualified = todo.pop()
            if qualified in seen:
                continue
            seen.add(qualified)
            node = self.defs[qualified]
            module, owner = self.home(qualified)
            parts = [node, *(node.decorator_list if isinstance(node, FUNCTIONS) else ())]
            if isinstance(node, ast.ClassDef):
                parts = [m for m in node.body if isinstance(m, FUNCTIONS)]  # not the class's own code
            for inner in (n for part in parts for n in ast.walk(part)):
                if isinstance(inner, ast.Name | ast.Attribute) and (target := self.resolve(module, owner, inner)):
                    todo.append(target)
                if isinstance(inner, ast.Call):
                    blamed = constant_keyword(inner, "field")
                    codes = self._codes(inner, module, owner)
                    found.codes |= codes
                    found.fields |= {blamed} if blamed else set()
                    if blamed is None and any(keyword.arg == "field" for keyword in inner.keywords):
                        blamed = ANY
                    found.pairs |= {(code, blamed) for code in codes}
        return found

    def _codes(self, call: ast.Call, module: str, owner: str | None) -> set[str]:
        """The code a call names: `code="..."`, or, for an error made without `code=`, its class's.
        A code computed where it is passed (`code=field_code(...)`, `code=code`) is not read here:
        the caller's own `code="..."` is, and the test names what a computed one can be."""
        if any(keyword.arg == "code" for keyword in call.keywords):
            named = constant_keyword(call, "code")
            return {named} if named else set()
        made = self.resolve(module, owner, call.func)
        code = self.own_code(made) if made and isinstance(self.defs[made], ast.ClassDef) else None
        return {code} if code else set()

    def own_code(self, qualified: str) -> str | None:
        """A class's code, from its body or its nearest base's that has one."""
        node = self.defs[qualified]
        assert isinstance(node, ast.ClassDef)
        code = class_code(node)
        for base in node.bases if code is None else ():
            found = self.resolve(self.home(qualified)[0], None, base)
            code = code or (self.own_code(found) if found else None)
        return code


@cache
def backend() -> Backend:
    return Backend.read()
