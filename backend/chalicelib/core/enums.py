"""Values more than one domain records: who a person is, as far as they or staff say (never
required). Feedback on needs and check-ins record them; the dashboard splits counts by them."""

from __future__ import annotations

from typing import Literal

Gender = Literal["woman", "man", "other", "prefer_not_to_say"]
AgeBand = Literal["under_18", "18_24", "25_34", "35_49", "50_plus"]
