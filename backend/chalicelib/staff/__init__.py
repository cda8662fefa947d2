"""The staff side: sign-in checks, complaint triage, referrals, the agenda, the audit trail."""
