"""The site's languages. `site/mkdocs.yml` lists the same codes; a test keeps them in step."""

from __future__ import annotations

# Every guide, interface string, centre and service name exists in each of them (a test says so).
SITE_LANGUAGES = ("en", "fr", "ru", "tg", "vi", "km", "ar", "tr", "th", "ms", "lo", "my", "sq", "ka")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar"})


def resolve_language(requested: str | None) -> str:
    """The site language to answer in: the one asked for (`fr-CA` counts as `fr`), else English."""
    if not requested:
        return DEFAULT_LANGUAGE
    base = requested.split("-", 1)[0].lower()
    return base if base in SITE_LANGUAGES else DEFAULT_LANGUAGE


def pick(texts: dict[str, str], lang: str) -> str:
    """A translated text in `lang`, falling back to English (always present, checked at build)."""
    return texts.get(lang) or texts[DEFAULT_LANGUAGE]
