"""A centre reads in the reader's language to the end (issue 18, finding 8): who runs it too, not only its
name ("Turkish Red Crescent" was left in English on Arabic pages)."""

from __future__ import annotations

import pytest
from chalice.test import Client

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.content import load_catalogue
from tests.unit.conftest import body


def test_every_operator_is_named_in_every_language() -> None:
    for centre in load_catalogue().centres:
        assert set(centre.operator) == set(SITE_LANGUAGES), centre.id
        english = centre.operator["en"]
        # a language that writes another script than Latin names the operator in it (acronyms aside)
        for lang in ("ru", "tg", "km", "ar", "th", "lo", "my", "ka"):
            assert centre.operator[lang] != english, f"{centre.id}: operator left in English in {lang}"


@pytest.mark.parametrize(
    ("lang", "operator"),
    [
        ("ar", "الهلال الأحمر التركي"),
        ("tr", "Türk Kızılay"),
        ("en", "Turkish Red Crescent"),
        ("fr-CA", "Croissant-Rouge turc"),
    ],
)
def test_the_api_names_the_operator_in_the_language_asked(client: Client, lang: str, operator: str) -> None:
    payload = body(client.http.get(f"/api/centres/tr-istanbul?lang={lang}"))
    assert payload["operator"] == operator
