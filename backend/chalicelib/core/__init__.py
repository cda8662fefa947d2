"""Shared plumbing: settings, logging, errors, AWS clients, HTTP helpers."""
