"""Integration tests use the session `stack` fixture from tests/conftest.py."""
