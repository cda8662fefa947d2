"""The SMS segment counter against the cases networks bill: GSM 03.38 7-bit with its extension table,
else UCS-2 (UTF-16 code units), 160/70 for one SMS and 153/67 a part once concatenated."""

from __future__ import annotations

import pytest

from chalicelib.notifications.sms import GSM_BASIC, GSM_EXTENSION, gsm_friendly, is_gsm, length, parts, segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("gsm7", 0)),
        ("a" * 160, ("gsm7", 1)),
        ("a" * 161, ("gsm7", 2)),
        ("a" * 306, ("gsm7", 2)),
        ("a" * 307, ("gsm7", 3)),
        ("ж" * 70, ("ucs2", 1)),
        ("ж" * 71, ("ucs2", 2)),
        ("ж" * 134, ("ucs2", 2)),
        ("ж" * 135, ("ucs2", 3)),
    ],
)
def test_single_and_concatenated_limits(text: str, expected: tuple[str, int]) -> None:
    assert segments(text) == expected


def test_an_extension_character_counts_two_septets() -> None:
    # Given the euro sign, which GSM sends as escape + septet
    assert length("€") == 2 and is_gsm("€")
    # Then 80 of them fill one SMS and the 81st makes two
    assert segments("€" * 80) == ("gsm7", 1)
    assert segments("€" * 81) == ("gsm7", 2)
    assert segments("[a]{b}|~^\\") == ("gsm7", 1) and length("[a]{b}|~^\\") == 18  # 8 escapes, 2 letters


def test_a_part_never_ends_between_an_escape_and_its_character() -> None:
    # 306 septets, two parts by arithmetic, but the euro sign would straddle the first boundary
    text = "a" * 152 + "€" + "a" * 152
    assert length(text) == 306
    cut = parts(text)
    assert cut[0] == "a" * 152
    assert cut[1].startswith("€")
    assert segments(text) == ("gsm7", 3)
    assert "".join(cut) == text


@pytest.mark.parametrize(
    ("ch", "enc"),
    [
        ("ş", "ucs2"),
        ("ğ", "ucs2"),
        ("ı", "ucs2"),
        ("İ", "ucs2"),  # Turkish outside the alphabet
        ("ö", "gsm7"),
        ("ü", "gsm7"),
        ("Ö", "gsm7"),
        ("Ü", "gsm7"),  # ...and inside it
        ("é", "gsm7"),
        ("è", "gsm7"),
        ("à", "gsm7"),
        ("ù", "gsm7"),
        ("É", "gsm7"),  # French inside
        ("ê", "ucs2"),
        ("â", "ucs2"),
        ("û", "ucs2"),
        ("î", "ucs2"),
        ("œ", "ucs2"),
        ("À", "ucs2"),
        ("Ç", "gsm7"),
        ("ç", "ucs2"),  # 0x09 is the upper-case C-cedilla: see the module's doc
        ("ë", "ucs2"),  # Albanian
        ("’", "ucs2"),
        ("«", "ucs2"),
        ("\u202f", "ucs2"),
        ("\u00a0", "ucs2"),
        ("@", "gsm7"),
        ("£", "gsm7"),
        ("¤", "gsm7"),
        ("Δ", "gsm7"),
        ("\n", "gsm7"),
        ("\t", "ucs2"),
    ],
)
def test_one_character_decides_the_encoding_of_the_whole_text(ch: str, enc: str) -> None:
    text = "Randevu " * 10 + ch
    assert segments(text).encoding == enc
    # A stray character costs more than half the room: 81 characters are one GSM SMS, two in UCS-2.
    assert segments(text).total == (1 if enc == "gsm7" else 2)


def test_a_character_outside_the_bmp_counts_two_units_and_is_never_split() -> None:
    assert length("😀") == 2 and segments("😀") == ("ucs2", 1)
    assert segments("😀" * 35) == ("ucs2", 1)  # 70 units
    assert segments("😀" * 35 + "a") == ("ucs2", 2)
    text = "ж" * 66 + "😀" + "ж" * 66  # 134 units, but the emoji would straddle the first boundary
    cut = parts(text)
    assert [length(p) for p in cut] == [66, 67, 1]
    assert cut[1].startswith("😀") and "".join(cut) == text


def test_the_alphabet_tables_are_complete() -> None:
    # 128 code points less the escape; 10 extension characters (form feed and ^{}\[~]|€)
    assert len(GSM_BASIC) == 127
    assert len(GSM_EXTENSION) == 10
    assert not GSM_BASIC & GSM_EXTENSION


def test_typography_is_folded_only_when_that_makes_the_text_gsm() -> None:
    # CLDR writes "10:30 AM" with a narrow no-break space: left alone, it turns English into UCS-2
    assert gsm_friendly("Sat, Jan 10, 10:30\u202fAM") == "Sat, Jan 10, 10:30 AM"
    assert gsm_friendly("l’heure – « non »…") == "l’heure – « non »…"  # guillemets stay UCS-2 anyway
    assert gsm_friendly("l’heure – “oui”…") == 'l\'heure - "oui"...'
    # Letters are never changed: ş is not s, and a text UCS-2 anyway keeps its own typography
    assert gsm_friendly("Şanlıurfa’da 10:30\u202fAM") == "Şanlıurfa’da 10:30\u202fAM"
    assert gsm_friendly("plain text") == "plain text"
