"""Retries with the same Idempotency-Key return the first answer (Powertools idempotency on the
app's DynamoDB table). A secret in that answer (a manage code, a receipt) is stored sealed, never
in clear, and unsealed when the answer is replayed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from chalicelib.core.aws import dynamodb_client
from chalicelib.core.errors import BadRequest, Conflict, ServiceUnavailable, Unprocessable
from chalicelib.core.secrets import seal, unseal
from chalicelib.core.settings import get_settings

KEY = re.compile(r"^[\x21-\x7e]{8,128}$")
Creator = Callable[[dict[str, Any]], dict[str, Any]]
_wrapped: dict[str, tuple[Any, IdempotencyConfig]] = {}


def key_from(headers: Any) -> str | None:
    key: str | None = headers.get("idempotency-key")
    if key is not None and not KEY.match(key):
        raise BadRequest("Idempotency-Key must be 8 to 128 visible ASCII characters.", field="Idempotency-Key")
    return key


def reset() -> None:
    _wrapped.clear()


def _wrap(kind: str, secret_field: str | None) -> tuple[Any, IdempotencyConfig]:
    if kind not in _wrapped:  # built on first use: no AWS client at import
        settings = get_settings()
        store = DynamoDBPersistenceLayer(
            table_name=settings.table_name, key_attr="PK", sort_key_attr="SK",
            static_pk_value=f"IDEMPOTENCY#{kind}", expiry_attr="expires_at", boto3_client=dynamodb_client(),
        )
        config = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body",
                                   expires_after_seconds=settings.idempotency_ttl_seconds)

        # The creator comes with each call: it closes over that request's own headers (its proof of
        # work, its source). One captured here would serve every later request of a warm process.
        def sealed(request: dict[str, Any], create: Creator) -> dict[str, Any]:
            answer = create(request["body"])
            if secret_field is None:
                return answer
            return {**answer, secret_field: seal(f"idempotent:{kind}", answer[secret_field])}

        function = idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)(sealed)
        _wrapped[kind] = (function, config)
    return _wrapped[kind]


def run(kind: str, key: str, body: dict[str, Any], create: Creator, secret_field: str | None,
        lambda_context: Any = None) -> dict[str, Any]:
    function, config = _wrap(kind, secret_field)
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)  # a crashed attempt's lock expires with it
    try:
        answer = dict(function(request={"key": key, "body": body}, create=create))
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("The same request is being handled. Try again in a moment.", field="Idempotency-Key",
                       headers={"Retry-After": "1"}) from exc
    except IdempotencyValidationError as exc:
        raise Unprocessable("This Idempotency-Key was used with a different request.",
                            field="Idempotency-Key") from exc
    except IdempotencyPersistenceLayerError as exc:
        raise ServiceUnavailable() from exc
    if secret_field is not None:
        answer[secret_field] = unseal(f"idempotent:{kind}", answer[secret_field])
    return answer
