"""How many SMS segments a text costs: GSM 03.38 (3GPP TS 23.038) 7-bit or UCS-2. Pure, no I/O.

A text goes as GSM 7-bit when every character is in the default alphabet or its extension table
(an extension character is an escape plus a septet: it counts 2), else as UCS-2, where each
UTF-16 code unit counts 1 (an emoji or another character outside the BMP counts 2). One SMS holds
160 septets or 70 units; a longer text is concatenated and each part, which carries a 6-octet
header, holds 153 septets or 67 units. A part never ends between an escape and its character,
nor between the two halves of a surrogate pair: the network moves the pair to the next part.

One stray character switches the whole text to UCS-2 and cuts a segment's room by more than half:
`ş`, `ğ`, `ı`, `ê`, `û`, `ë`, a curly apostrophe or a narrow no-break space (which CLDR puts
before AM/PM and inside French times). `gsm_friendly` replaces typography that has a GSM
equivalent of the same meaning, and only when that makes the whole text GSM.

`Ç` (0x09) is counted as GSM and `ç` is not. The standard draws an upper-case C-cedilla at 0x09,
Android's encoder and most gateways follow it and send a text with `ç` as UCS-2; Unicode's
mapping table reads 0x09 as `ç`. Counting `ç` as UCS-2 never promises fewer segments than the
network bills.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Encoding = Literal["gsm7", "ucs2"]

# The default alphabet, in code order 0x00-0x7F (0x1B, the escape to the extension table, left out).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as escape + septet.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"gsm7": 160, "ucs2": 70}
PART = {"gsm7": 153, "ucs2": 67}

# Typography with a GSM character of the same meaning (spaces, quotes, dashes, ellipsis).
_FOLD = str.maketrans(
    {
        **dict.fromkeys(
            "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
        ),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
        "\u2026": "...",
    }
)


class Segments(NamedTuple):
    encoding: Encoding
    total: int


def is_gsm(text: str) -> bool:
    """Whether every character of `text` is in the GSM 7-bit alphabet or its extension."""
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def encoding(text: str) -> Encoding:
    return "gsm7" if is_gsm(text) else "ucs2"


def _units(ch: str, enc: Encoding) -> int:
    if enc == "gsm7":
        return 2 if ch in GSM_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def length(text: str) -> int:
    """Septets (GSM 7-bit) or UTF-16 code units (UCS-2) that `text` takes, in its own encoding."""
    enc = encoding(text)
    return sum(_units(ch, enc) for ch in text)


def parts(text: str) -> tuple[str, ...]:
    """`text` cut into the parts the network sends: one if it fits in a single SMS, else parts of
    153 septets or 67 units at most, never splitting an escape pair or a surrogate pair."""
    if not text:
        return ()
    enc = encoding(text)
    if sum(_units(ch, enc) for ch in text) <= SINGLE[enc]:
        return (text,)
    room = PART[enc]
    cut: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        size = _units(ch, enc)
        if used + size > room:
            cut.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    cut.append("".join(current))
    return tuple(cut)


def segments(text: str) -> Segments:
    """The encoding `text` is sent in and how many segments it is billed as (0 for an empty text:
    there is nothing to send)."""
    return Segments(encoding(text), len(parts(text)))


def gsm_friendly(text: str) -> str:
    """`text` with typographic spaces, quotes, dashes and the ellipsis replaced by their GSM
    equivalents if that makes it GSM 7-bit; otherwise `text` unchanged (it goes as UCS-2 either
    way, and then keeps its own typography at no cost)."""
    if is_gsm(text):
        return text
    folded = text.translate(_FOLD)
    return folded if is_gsm(folded) else text
