"""Retries with the same Idempotency-Key return the first answer (Powertools idempotency on the
app's DynamoDB table). A secret in that answer (a manage code, a receipt) is stored sealed, never
in clear, and unsealed when the answer is replayed.

Powertools stores an (unkeyed) MD5 of the key and of the payload it validates retries against.
Neither is given anything personal: the key is replaced by its keyed hash, and the payload by a
keyed hash (HMAC under the server key) of the request body, which holds a phone number and a
nickname, or a complaint. An MD5 of the body itself could be brute-forced back to the phone
number (there are few phone numbers); the keyed hash cannot without the server key."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.core import keys
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.errors import BadRequest, Conflict, ServiceUnavailable, Unprocessable
from chalicelib.core.secrets import Unsealable, keyed_hash, seal, unseal
from chalicelib.core.settings import get_settings

# Powertools' idempotency utility loads with the first request that creates something, not on every
# cold start (the handler's import budget, devstack/bench).
if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

KEY = re.compile(r"^[\x21-\x7e]{8,128}$")
# How routes that take the header document it (core/openapi.py).
HEADER = ("Idempotency-Key", False, "Retries with the same key return the first answer.")
Creator = Callable[[dict[str, Any]], dict[str, Any]]
_wrapped: dict[str, tuple[Any, IdempotencyConfig]] = {}


def key_from(headers: Any) -> str | None:
    key: str | None = headers.get("idempotency-key")
    if key is not None and not KEY.match(key):
        raise BadRequest(
            "Idempotency-Key must be 8 to 128 visible ASCII characters.",
            code="idempotency_key_invalid",
            field="Idempotency-Key",
        )
    return key


def reset() -> None:
    _wrapped.clear()


def _wrap(kind: str, secret_field: str | None) -> tuple[Any, IdempotencyConfig]:
    if kind not in _wrapped:  # built on first use: no AWS client at import
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        settings = get_settings()
        store = DynamoDBPersistenceLayer(
            table_name=settings.table_name,
            key_attr="PK",
            sort_key_attr="SK",
            static_pk_value=keys.idempotency(kind),
            expiry_attr="expires_at",
            boto3_client=dynamodb_client(),
        )
        config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="body_mac",
            expires_after_seconds=settings.idempotency_ttl_seconds,
        )

        # The creator and the body come with each call: the creator closes over that request's own
        # headers (its proof of work, its source). One captured here would serve every later request
        # of a warm process.
        def sealed(request: dict[str, Any], create: Creator, body: dict[str, Any]) -> dict[str, Any]:
            answer = create(body)
            if secret_field is None:
                return answer
            return {**answer, secret_field: seal(f"idempotent:{kind}", answer[secret_field])}

        function = idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)(sealed)
        _wrapped[kind] = (function, config)
    return _wrapped[kind]


def run(
    kind: str, key: str, body: dict[str, Any], create: Creator, secret_field: str | None, lambda_context: Any = None
) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    function, config = _wrap(kind, secret_field)
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)  # a crashed attempt's lock expires with it
    try:
        # Only keyed hashes reach the idempotency record: never the key or the body themselves.
        request = {
            "key": keyed_hash(f"idempotency-key:{kind}", key),
            "body_mac": keyed_hash(
                f"idempotency-body:{kind}", json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            ),
        }
        answer = dict(function(request=request, create=create, body=body))
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "The same request is being handled. Try again in a moment.",
            code="request_in_progress",
            field="Idempotency-Key",
            headers={"Retry-After": "1"},
        ) from exc
    except IdempotencyValidationError as exc:
        raise Unprocessable(
            "This Idempotency-Key was used with a different request.",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        ) from exc
    except IdempotencyPersistenceLayerError as exc:
        raise ServiceUnavailable() from exc
    if secret_field is not None:
        try:
            answer[secret_field] = unseal(f"idempotent:{kind}", answer[secret_field])
        except Unsealable as exc:  # sealed before seal() moved to AES-GCM: at most a day old
            raise Conflict(
                "This request was already handled, and its answer can no longer be shown. Ask the centre.",
                code="idempotency_answer_gone",
                field="Idempotency-Key",
            ) from exc
    return answer
