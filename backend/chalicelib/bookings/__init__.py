"""Appointment booking: slots from the centres' plans, seats counted in DynamoDB, no e-mail; the
waiting list; places held per source; and the staff agenda (a centre's day, check-in, dated
exceptions), whose exceptions the booking rules read."""
