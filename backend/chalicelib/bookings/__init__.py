"""Appointment booking: slots from the centres' plans, seats counted in DynamoDB, no e-mail."""
