"""One Powertools logger for the whole app.

Public routes are used by people who may be in danger: the logger is never given request
bodies, client IPs or user agents. Only the method, the route template, the status and
the correlation id (API Gateway's request id) are logged per request.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

# Not "passerelle": Chalice's own logger has the app's name and sets it to ERROR.
logger = Logger(service="passerelle-api")
