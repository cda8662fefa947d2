"""Codes people read aloud, type on a phone or keep: booking references and manage codes."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 5/S, 2/Z, U/V, X/Y: letters and digits that survive being read aloud over a bad line.
# 23 of them: the check below works modulo a prime.
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTW"
REFERENCE_LENGTH = 7  # 23^7 = 3.4e9 references, plus a check character
_P = len(REFERENCE_ALPHABET)


def _check_character(body: str) -> str:
    """Weights 1..8 modulo the prime 23, the check character chosen so the weighted sum is 0:
    every single wrong character and every swap of two neighbours changes the sum (the weights
    of neighbours differ by 1, and no difference of two characters is a multiple of 23)."""
    total = sum((i + 1) * REFERENCE_ALPHABET.index(ch) for i, ch in enumerate(body))
    weight = len(body) + 1
    return REFERENCE_ALPHABET[(-total * pow(weight, -1, _P)) % _P]


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return body + _check_character(body)


def normalise_reference(text: str) -> str | None:
    """The canonical reference, or None if it is not one (wrong characters or check)."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -")
    if len(cleaned) != REFERENCE_LENGTH + 1 or any(ch not in REFERENCE_ALPHABET for ch in cleaned):
        return None
    return cleaned if _check_character(cleaned[:-1]) == cleaned[-1] else None


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


# Manage codes: 130 bits from the OS CSPRNG, in Crockford base32 groups of four.
MANAGE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_manage_code() -> str:
    value = secrets.randbits(130)
    chars = "".join(MANAGE_ALPHABET[(value >> (5 * i)) & 31] for i in range(26))
    return "-".join(chars[i:i + 4] for i in range(0, 26, 4))


def normalise_manage_code(text: str) -> str:
    """Forgiving input: case, spaces and dashes do not matter; O→0 and I/L→1 as Crockford reads them."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -").translate(str.maketrans("OIL", "011"))
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))
