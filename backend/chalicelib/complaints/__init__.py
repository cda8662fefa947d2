"""Anonymous complaints with a receipt to follow up (GlobaLeaks-style), safe for the person who
complains: nothing identifying is stored or logged."""
