"""Centres and the service catalogue: compiled from content/ and packaged with the Lambda."""
