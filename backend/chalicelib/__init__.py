"""Passerelle backend: the code Chalice packages next to app.py."""
