"""Compile, from Babel's CLDR data, what the pages and the API need to write dates, times, numbers
and plurals in each site language.

    python -m devstack.cldr          # run by `make content`

A phone whose locale is tg-TJ, km-KH or my-MM has no CLDR data for it in Chromium: its
`Intl.DateTimeFormat` prints "M12 5, Sat". So the portal ships the data itself, one small file per
language (a page loads only its own), and formats with it:

- `site/overrides/assets/i18n/cldr/<lang>.js`: an ES module read by `assets/i18n/format.js`. The theme
  copies it to `build/site/assets/i18n/cldr/`; the folder is generated, never committed (its own
  .gitignore), like `backend/chalicelib/data/`.
- `backend/chalicelib/data/cldr/<lang>.json`: the same data for `chalicelib.core.cldr`, so the
  Lambda never imports Babel (32 MB of locale data).

Each file holds month and weekday names (format and stand-alone where CLDR differs: Russian
"5 декабря" but "декабрь 2026 г."), eras, AM/PM, the date, time and date-time patterns, a few
flexible date patterns (skeletons), names of the time zones the centres are in, number symbols and
the digits of the language's default numbering system, list patterns and the plural rules.
Plural rules are parsed by Babel and compiled here: to a JavaScript function written into the module
(no `eval`: the site's CSP forbids it) and to a small JSON tree the backend evaluates. Babel's own
`to_javascript` cannot serve: it compiles the operands v, w, f and t to 0, so "1.5" would be "one".
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import babel
from babel import Locale
from babel.core import get_global
from babel.dates import NO_INHERITANCE_MARKER
from babel.numbers import parse_pattern
from babel.plural import PluralRule

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import BACKEND, ROOT

SITE_OUT = ROOT / "site" / "overrides" / "assets" / "i18n" / "cldr"
BACKEND_OUT = BACKEND / "chalicelib" / "data" / "cldr"

STYLES = ("short", "medium", "long", "full")
# Flexible formats (CLDR availableFormats) the pages ask for by skeleton, each present in every
# site language as it is (no best-match guessing): "Sat, Dec 5" for a slot, "December 2026"...
SKELETONS = ("Ed", "MEd", "MMMd", "MMMMd", "MMMEd", "yMMM", "yMMMM", "yMMMd", "yMMMEd")
# Time zones named in long and full times besides the centres' own (content/centres.yaml): where
# the portal's readers go to work. Any other zone is written as a GMT offset.
EXTRA_ZONES = ("UTC", "Europe/Moscow")
# The pattern letters format.js and chalicelib.core.cldr implement, with the counts they accept.
SUPPORTED_FIELDS = {
    "G": {1, 2, 3, 4},
    "y": {1, 2, 3, 4},
    "M": {1, 2, 3, 4},
    "L": {1, 2, 3, 4},
    "d": {1, 2},
    "E": {1, 2, 3, 4},
    "c": {3, 4},
    "a": {1, 2, 3},
    "h": {1, 2},
    "H": {1, 2},
    "K": {1, 2},
    "k": {1, 2},
    "m": {1, 2},
    "s": {1, 2},
    "z": {1, 2, 3, 4},
}
# The digits of each numeric numbering system a site language may default to: ten consecutive
# code points from its zero (CLDR common/supplemental/numberingSystems.xml; checked below against
# the Unicode database).
NUMBERING_ZERO = {
    "latn": 0x30,
    "arab": 0x660,
    "arabext": 0x6F0,
    "beng": 0x9E6,
    "deva": 0x966,
    "khmr": 0x17E0,
    "laoo": 0xED0,
    "mymr": 0x1040,
    "thai": 0xE50,
}
NUMBER_SYMBOLS = ("decimal", "group", "minusSign", "plusSign")
MONTHS = range(1, 13)
WEEKDAYS = range(7)  # Babel and CLDR's Python side: 0 is Monday


def digits(system: str) -> str:
    zero = NUMBERING_ZERO.get(system)
    if zero is None:
        raise ValueError(f"numbering system {system!r} is not a known decimal system")
    text = "".join(chr(zero + k) for k in range(10))
    if [unicodedata.decimal(c, None) for c in text] != list(range(10)):
        raise ValueError(f"numbering system {system!r}: U+{zero:04X} does not start ten decimal digits")
    return text


def _names(table: Any, keys: Iterable[int]) -> list[str]:
    return [str(table[k]) for k in keys]


def _name_tables(source: Any, keys: Iterable[int]) -> dict[str, dict[str, list[str]]]:
    """Abbreviated and wide names in the format context, and the stand-alone ones only where they
    differ (format.js and cldr.py fall back to the format names)."""
    keys = list(keys)
    out: dict[str, dict[str, list[str]]] = {"format": {}, "stand-alone": {}}
    for width in ("abbreviated", "wide"):
        out["format"][width] = _names(source["format"][width], keys)
        alone = _names(source["stand-alone"][width], keys)
        if alone != out["format"][width]:
            out["stand-alone"][width] = alone
    if not out["stand-alone"]:
        del out["stand-alone"]
    return out


def _zone_ids(zone: str) -> list[str]:
    """The zone's id under every name CLDR may file it: Babel 2.18 maps the old "Asia/Saigon" to
    "Asia/Ho_Chi_Minh" but keeps its metazones under the old ids, so looking up the new id alone
    names Ho Chi Minh City and Yangon by their GMT offset instead of "Indochina Time"."""
    aliases = get_global("zone_aliases")
    canonical = aliases.get(zone, zone)
    return [canonical, zone, *sorted(old for old, new in aliases.items() if new == canonical)]


def zone_name(locale: Locale, zone: str, width: str, variant: str) -> str | None:
    """The zone's own name in `locale` (Babel's `get_timezone_name` without the GMT fallback, which
    the formatters compute from the offset): the zone's explicit name, else its metazone's."""
    ids = _zone_ids(zone)
    for zone_id in ids:
        value = locale.time_zones.get(zone_id, {}).get(width, {}).get(variant)
        if value and value != NO_INHERITANCE_MARKER:
            return str(value)
    metazones = get_global("meta_zones")
    metazone = next((metazones[zone_id] for zone_id in ids if zone_id in metazones), None)
    if metazone:
        names = locale.meta_zones.get(metazone, {})
        name = names.get(width, {}).get(variant)
        if width == "short" and name == NO_INHERITANCE_MARKER:
            name = names.get("long", {}).get(variant)
        if name and name != NO_INHERITANCE_MARKER:
            return str(name)
    return None


def zone_names(locale: Locale, zones: Iterable[str]) -> dict[str, dict[str, list[str | None]]]:
    """{zone: {"long": [standard, daylight], "short": [...]}}; a missing name is null, a zone with
    no name at all is left out."""
    out: dict[str, dict[str, list[str | None]]] = {}
    for zone in zones:
        entry = {
            width: [zone_name(locale, zone, width, v) for v in ("standard", "daylight")] for width in ("long", "short")
        }
        entry = {width: names for width, names in entry.items() if any(names)}
        if entry:
            out[zone] = entry
    return out


def number_format(locale: Locale) -> dict[str, Any]:
    """The decimal pattern taken apart, with the symbols of the default numbering system (CLDR
    aliases a system without its own symbols, such as Burmese `mymr`, to `latn`)."""
    pattern = parse_pattern(locale.decimal_formats[None].pattern)
    if pattern.exp_prec or "@" in pattern.pattern or pattern.scale:
        raise ValueError(f"{locale}: decimal pattern {pattern.pattern!r} is not a plain decimal pattern")
    system = locale.default_numbering_system
    symbols = dict(locale.number_symbols.get("latn", {}))
    symbols.update({k: v for k, v in locale.number_symbols.get(system, {}).items() if k in NUMBER_SYMBOLS})
    return {
        "system": system,
        "digits": digits(system),
        "symbols": {k: symbols[k] for k in NUMBER_SYMBOLS},
        "pattern": pattern.pattern,
        # [positive, negative], with "-" as the minus sign (UTS #35): Arabic's carries a
        # left-to-right mark so "-5" stays whole in right-to-left text (Babel writes a bare "-")
        "prefix": [_affix(text, symbols) for text in pattern.prefix],
        "suffix": [_affix(text, symbols) for text in pattern.suffix],
        "grouping": list(pattern.grouping),
        "minInt": pattern.int_prec[0],
        "fraction": list(pattern.frac_prec),
    }


def _affix(text: str, symbols: dict[str, str]) -> str:
    """A pattern's prefix or suffix as printed: quoted text as it is, "-" and "+" as the symbols."""

    def unquoted(part: str) -> str:
        return part.replace("-", symbols["minusSign"]).replace("+", symbols["plusSign"])

    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(part[1:-1].replace("''", "'") or "'" if part.startswith("'") else unquoted(part) for part in parts)


_FIELD = re.compile(r"'(?:[^']|'')*'|''|([A-Za-z])\1*")


def check_pattern(lang: str, pattern: str, where: str) -> None:
    """Fail the build on a pattern letter the formatters do not implement."""
    for match in _FIELD.finditer(pattern):
        field = match.group(0)
        if match.group(1) and len(field) not in SUPPORTED_FIELDS.get(field[0], ()):
            raise ValueError(f"{lang}: {where} pattern {pattern!r} uses {field!r}, which the formatters do not know")


def _operand(node: Any) -> Any:
    kind, args = node
    if kind == "mod":
        (left, (_, (divisor,))) = args
        return ["mod", _operand(left), divisor]
    if kind in ("n", "i", "v", "w", "f", "t", "c", "e"):
        return "e" if kind == "c" else kind  # Babel, like CLDR today, sets c = e = 0
    raise ValueError(f"plural rule: unexpected operand {node!r}")


def _rule(node: Any) -> Any:
    """Babel's parse tree as small JSON: ["and"|"or", a, b], ["not", a],
    ["in"|"within", operand, [[low, high], ...]]; an operand is "n", "i", ... or ["mod", operand, k]."""
    kind, args = node
    if kind in ("and", "or"):
        return [kind, _rule(args[0]), _rule(args[1])]
    if kind == "not":
        return ["not", _rule(args[0])]
    if kind == "relation":
        method, expr, (_, ranges) = args
        return [method, _operand(expr), [[low[1][0], high[1][0]] for low, high in ranges]]
    raise ValueError(f"plural rule: unexpected node {node!r}")


def plural_rules(locale: Locale) -> list[list[Any]]:
    """[[category, rule], ...] in Babel's order; "other" is implicit."""
    return [[tag, _rule(ast)] for tag, ast in PluralRule.parse(locale.plural_form).abstract]


def _js_operand(operand: Any) -> str:
    if isinstance(operand, str):
        return operand
    return f"{_js_operand(operand[1])} % {operand[2]}"


def _js_rule(rule: Any) -> str:
    kind = rule[0]
    if kind in ("and", "or"):
        op = " && " if kind == "and" else " || "
        return f"({_js_rule(rule[1])}{op}{_js_rule(rule[2])})"
    if kind == "not":
        return f"!{_js_rule(rule[1])}"
    value = _js_operand(rule[1])
    tests = " || ".join(
        f"{value} === {low}" if low == high else f"({value} >= {low} && {value} <= {high})" for low, high in rule[2]
    )
    # "in" holds for whole numbers only ("n in 1..4" is false for 1.5); i, v, w, f, t, e are whole
    needs_whole = kind == "in" and value.startswith("n")
    return f"({value} % 1 === 0 && ({tests}))" if needs_whole else f"({tests})"


def plural_js(rules: list[list[Any]]) -> str:
    """A JavaScript arrow function of the CLDR operands, returning the category."""
    body = "".join(f"{_js_rule(rule)} ? {json.dumps(tag)} : " for tag, rule in rules)
    return f'(n, i, v, w, f, t, e) => {body}"other"'


def locale_data(lang: str, zones: Iterable[str]) -> dict[str, Any]:
    locale = Locale.parse(lang)
    data: dict[str, Any] = {
        "lang": lang,
        "cldr": f"CLDR {babel.core.get_cldr_version()} (Babel {babel.__version__})",
        "months": _name_tables(locale.months, MONTHS),
        "days": _name_tables(locale.days, WEEKDAYS),
        "eras": {width: _names(locale.eras[width], (0, 1)) for width in ("abbreviated", "wide")},
        "dayPeriods": {p: str(locale.day_periods["format"]["abbreviated"][p]) for p in ("am", "pm")},
        "date": {s: locale.date_formats[s].pattern for s in STYLES},
        "time": {s: locale.time_formats[s].pattern for s in STYLES},
        "dateTime": {s: str(locale.datetime_formats[s]) for s in STYLES},
        "skeletons": {s: locale.datetime_skeletons[s].pattern for s in SKELETONS},
        "gmt": str(locale.zone_formats["gmt"]).replace("%s", "{0}"),
        "zones": zone_names(locale, zones),
        "number": number_format(locale),
        "lists": {
            style: {k: str(locale.list_patterns[style][k]) for k in ("2", "start", "middle", "end")}
            for style in ("standard", "or")
        },
        "plural": plural_rules(locale),
    }
    for kind in ("date", "time", "skeletons"):
        for name, pattern in data[kind].items():
            check_pattern(lang, pattern, f"{kind} {name}")
    return data


def js_module(data: dict[str, Any]) -> str:
    """The site's module: the data as a default export, the plural rules as a function in it."""
    plain = {k: v for k, v in data.items() if k != "plural"}
    body = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    return (
        f"// {data['lang']}: generated by devstack/cldr.py from {data['cldr']}; do not edit.\n"
        f"export default {{plural: {plural_js(data['plural'])},{body[1:]};\n"
    )


def zones_in_use() -> list[str]:
    from devstack.content import load_catalogue

    return sorted({centre.timezone for centre in load_catalogue().centres} | set(EXTRA_ZONES))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def compile_cldr(
    site_out: Path = SITE_OUT,
    backend_out: Path = BACKEND_OUT,
    languages: Iterable[str] = SITE_LANGUAGES,
    zones: Iterable[str] | None = None,
) -> dict[str, Path]:
    """Write both files for every language; returns {lang: the site module's path}."""
    zones = list(zones_in_use() if zones is None else zones)
    written: dict[str, Path] = {}
    for lang in languages:
        data = locale_data(lang, zones)
        _write(backend_out / f"{lang}.json", json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        written[lang] = site_out / f"{lang}.js"
        _write(written[lang], js_module(data))
    return written


def main() -> int:
    import brotli

    written = compile_cldr()
    sizes = {lang: len(brotli.compress(path.read_bytes())) for lang, path in written.items()}
    largest = max(sizes, key=sizes.__getitem__)
    print(
        f"cldr: {len(written)} languages -> {SITE_OUT.relative_to(ROOT)}/ and {BACKEND_OUT.relative_to(ROOT)}/ "
        f"(brotli {min(sizes.values())}-{sizes[largest]} bytes a language, largest {largest})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
