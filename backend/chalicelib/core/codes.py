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
    return "-".join(chars[i : i + 4] for i in range(0, 26, 4))


def normalise_manage_code(text: str) -> str:
    """Forgiving input: case, spaces and dashes do not matter; O→0 and I/L→1 as Crockford reads them."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -").translate(str.maketrans("OIL", "011"))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


# Complaint receipts: 20 digits from the CSPRNG and a Damm check digit, shaped like a phone number
# so it can hide among contacts. Damm's quasigroup catches every single wrong digit and every swap
# of two neighbouring digits.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
RECEIPT_DIGITS = 20


def _damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def new_receipt() -> str:
    body = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return body + str(_damm(body))


def normalise_receipt(text: str) -> str | None:
    """The receipt's 21 ASCII digits, or None. Spaces, dashes and dots are ignored, and digits of
    any script count (Arabic-Indic, Persian, Khmer, Thai, Lao, Burmese...)."""
    import unicodedata

    digits = []
    for char in text:
        if char in " -.\u00a0\u200f\u200e":
            continue
        value = unicodedata.decimal(char, None)
        if value is None:
            return None
        digits.append(str(value))
    receipt = "".join(digits)
    if len(receipt) != RECEIPT_DIGITS + 1 or _damm(receipt) != 0:
        return None
    return receipt


def format_receipt(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, 16, 4)) + " " + receipt[16:]
