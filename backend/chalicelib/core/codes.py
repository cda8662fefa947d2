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


# Manage codes: 12 characters of the reference's alphabet from the OS CSPRNG, read in three groups
# of four ("K7QM-3HCT-9WRA"): 23^12 = 2.2e16 codes (54 bits). Guessing is made hopeless by the
# per-booking limit on wrong codes (bookings/tries.py; README, "Manage codes": the arithmetic), not by
# length, so the code stays short enough to read aloud over a phone and type on one.
MANAGE_LENGTH = 12
# Bookings made before 2026-12 have 26-character Crockford base32 codes (130 bits); their hashes are
# stored, so they keep working: their normalisation is unchanged.
LEGACY_MANAGE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LEGACY_MANAGE_LENGTH = 26

# What a phone keyboard may type for a character of the alphabet: letters of Cyrillic and Greek
# that look like Latin ones (a Tajik or Russian keyboard left in Cyrillic), and З for 3.
_LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("АВСЕНКМОРТХУЗ", "ABCEHKMOPTXY3", strict=True)),
        **dict(zip("ΑΒΕΗΚΜΝΡΤΧΥΖ", "ABEHKMNPTXYZ", strict=True)),
    }
)
_SEPARATORS = frozenset(" -.\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u200e\u200f\u202f_/")


def _group(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_manage_code() -> str:
    return _group("".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(MANAGE_LENGTH)))


def _clean(text: str) -> str:
    """Upper case, full-width and other compatibility forms folded (NFKC), digits of any script as
    ASCII digits, look-alike Cyrillic and Greek letters as Latin, separators dropped."""
    import unicodedata

    out = []
    for char in unicodedata.normalize("NFKC", text).upper().translate(_LOOK_ALIKES):
        if char in _SEPARATORS or char.isspace():
            continue
        digit = unicodedata.decimal(char, None)
        out.append(str(digit) if digit is not None else char)
    return "".join(out)


def normalise_manage_code(text: str) -> str | None:
    """The canonical manage code (groups of four joined by dashes, as its keyed hash was made), or
    None if `text` cannot be one. Case, spaces, dashes, full-width forms, digits of other scripts
    and Cyrillic or Greek look-alikes do not matter. A 26-character code is an older booking's:
    O is read as 0 and I and L as 1, as Crockford's base32 reads them."""
    cleaned = _clean(text)
    if len(cleaned) == MANAGE_LENGTH and all(ch in REFERENCE_ALPHABET for ch in cleaned):
        return _group(cleaned)
    legacy = cleaned.translate(str.maketrans("OIL", "011"))
    if len(legacy) == LEGACY_MANAGE_LENGTH and all(ch in LEGACY_MANAGE_ALPHABET for ch in legacy):
        return _group(legacy)
    return None


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
