"""Public feedback: page helpfulness, service feedback after an appointment, needs. Anonymous,
counted atomically so dashboards read counters, never scan the table."""
