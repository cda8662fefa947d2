"""What every domain shares: settings, logging, errors, AWS clients, the HTTP edge, the table's keys
(keys.py) and DynamoDB helpers, the audit trail, secrets and codes, proof of work, idempotency,
per-source limits, the base models and the values more than one domain records, the OpenAPI
contract. Nothing here imports a domain."""
