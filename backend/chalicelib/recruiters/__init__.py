"""Recruitment agencies: the regulators' lists as the public reads them, and what complaints that
staff upheld say about each agency, published by a manager."""
