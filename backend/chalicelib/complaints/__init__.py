"""Anonymous complaints with a receipt to follow up (GlobaLeaks-style), safe for the person who
complains: nothing identifying is stored or logged. Filing and follow-up (service.py, routes.py),
and the staff console's triage (triage.py, triage_routes.py): queues, statuses, replies and notes,
referrals between centres, outcomes."""
