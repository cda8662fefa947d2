"""Staff sign-in, below every domain: ID tokens checked in the backend itself, the staff user and
their roles, and the two routes the console starts with (/auth/config, /staff/me)."""
