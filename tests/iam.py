"""How AWS decides a request against identity policies, for the parts the stack's policies use: Allow
and Deny statements, actions and resources with `*` and `?`, and the condition operators
StringEquals and StringLike (also with ForAnyValue: and ForAllValues:). An explicit Deny wins over
any Allow; without an Allow the answer is an implicit deny. Anything else (NotAction, another
operator) fails the test that meets it, rather than being ignored.

Resources written with intrinsics (`!GetAtt AppTable.Arn`, `!Sub "${AppTable.Arn}/index/*"`) are
resolved with the values given as `refs` ({"AppTable.Arn": "arn:..."})."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "Allow", "ExplicitDeny", "ImplicitDeny"
_OPERATORS = {"StringEquals", "StringLike"}


def _pattern(glob: str, *, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resolve(value: Any, refs: Mapping[str, str]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return refs[argument]
        if function == "Fn::GetAtt":
            return refs[".".join(argument)]
        if function == "Fn::Sub" and isinstance(argument, str):
            return re.sub(r"\$\{([^}]+)\}", lambda m: refs[m.group(1)], argument)
    raise AssertionError(f"cannot resolve {value!r}")


def _condition_holds(operator: str, wanted: dict[str, Any], context: Mapping[str, Any]) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if base not in _OPERATORS or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise AssertionError(f"condition operator {operator} is not supported here")
    lowered = {key.lower(): value for key, value in context.items()}
    for key, expected in wanted.items():
        patterns = [
            _pattern(e, ignore_case=False) if base == "StringLike" else re.compile(re.escape(e))
            for e in _as_list(expected)
        ]
        present = lowered.get(key.lower())
        values = [] if present is None else _as_list(present)

        def matches(value: str, patterns: list[re.Pattern[str]] = patterns) -> bool:
            return any(p.fullmatch(value) for p in patterns)

        if qualifier == "ForAnyValue":
            holds = any(matches(v) for v in values)
        elif qualifier == "ForAllValues":
            holds = all(matches(v) for v in values)
        else:
            if len(values) > 1:
                raise AssertionError(f"{key} has several values: use ForAnyValue or ForAllValues")
            holds = bool(values) and matches(values[0])
        if not holds:
            return False
    return True


def _applies(
    statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, Any], refs: Mapping[str, str]
) -> bool:
    unsupported = {"NotAction", "NotResource", "NotPrincipal", "Principal"} & set(statement)
    if unsupported:
        raise AssertionError(f"{sorted(unsupported)} are not supported here")
    if not any(_pattern(a, ignore_case=True).fullmatch(action) for a in _as_list(statement["Action"])):
        return False
    if not any(
        _pattern(resolve(r, refs), ignore_case=False).fullmatch(resource) for r in _as_list(statement["Resource"])
    ):
        return False
    return all(
        _condition_holds(operator, wanted, context) for operator, wanted in (statement.get("Condition") or {}).items()
    )


def decide(
    statements: Iterable[Mapping[str, Any]],
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    refs: Mapping[str, str] | None = None,
) -> str:
    """Allow, ExplicitDeny or ImplicitDeny for one action on one resource."""
    applying = [s for s in statements if _applies(s, action, resource, context or {}, refs or {})]
    if any(s["Effect"] == "Deny" for s in applying):
        return EXPLICIT_DENY
    return ALLOW if any(s["Effect"] == "Allow" for s in applying) else IMPLICIT_DENY


# The partition keys of the table's items (chalicelib's repositories), to check a policy against.
AUDIT_KEYS = ("AUDIT#0f9c2d6e-6d0b-4f6a-9d4e-2f6b1c7a9e01", "AUDIT#CENTRE#tj-dushanbe")
OTHER_KEYS = (
    "BOOKING#K7QX3M",
    "COMPLAINT#0f9c2d6e-6d0b-4f6a-9d4e-2f6b1c7a9e01",
    "CENTRE#tj-dushanbe",
    "STATS#COMPLAINTS#ANY",
    "RATE#lookup#ab12",
)
# What nothing may do to an audit line, and what appending and reading it needs.
CHANGES = ("UpdateItem", "DeleteItem", "BatchWriteItem", "PartiQLUpdate", "PartiQLDelete")
APPENDS_AND_READS = ("PutItem", "GetItem", "Query", "ConditionCheckItem")


def audit_decisions(
    statements: list[Mapping[str, Any]], table_arn: str, refs: Mapping[str, str] | None = None
) -> dict[tuple[str, str], str]:
    """The decision for each (action, partition key) pair above, on the table."""
    return {
        (action, key): decide(statements, f"dynamodb:{action}", table_arn, {"dynamodb:LeadingKeys": [key]}, refs)
        for action in CHANGES + APPENDS_AND_READS
        for key in AUDIT_KEYS + OTHER_KEYS
    }


def assert_audit_lines_append_only(
    statements: list[Mapping[str, Any]], table_arn: str, refs: Mapping[str, str] | None = None
) -> None:
    decisions = audit_decisions(statements, table_arn, refs)
    for (action, key), decision in decisions.items():
        if key in AUDIT_KEYS and action in CHANGES:
            assert decision == EXPLICIT_DENY, (action, key, decision)
        elif action in ("PutItem", "GetItem", "Query", "ConditionCheckItem", "UpdateItem", "DeleteItem"):
            # the code's own operations stay allowed everywhere else, and appending and reading
            # audit lines stays allowed
            assert decision == ALLOW, (action, key, decision)
        else:  # BatchWriteItem and PartiQL were never granted
            assert decision == IMPLICIT_DENY, (action, key, decision)
