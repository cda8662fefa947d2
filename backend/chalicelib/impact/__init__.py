"""Impact: what the centres achieved, read from counters (never a scan), small counts suppressed."""
