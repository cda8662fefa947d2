"""Matching a recruitment agency by name or licence number, whatever the case, marks or script.

The rules are data (`matching_rules.json`); this module and the phone's
`site/overrides/assets/recruiters/match.js` implement them the same way, step for step, and
`tests/data/recruiter_match_vectors.json` holds the cases both must pass. Read the two side by
side when you change one.

A name becomes a *search key*: Unicode NFKD, lower case, combining marks of Latin and Cyrillic
letters dropped (Vietnamese tones, й, ӣ, ӯ), letters mapped through `chars` (Cyrillic to Latin
with the Tajik letters, đ to d), native digits to 0-9, legal forms (LLC, ҶДММ, Công ty TNHH,
ក្រុមហ៊ុន, प्रा. लि.) removed, the script profile's `fold` pairs applied (kh/h, q/k...), every
separator removed and, where the profile says so, doubled Latin letters folded. Khmer, Burmese and
Devanagari keep their own letters and vowel signs: they match on their own script, and each
agency's Latin name matches Latin queries. A query matches a key when its key is the key, begins
it or lies within it, or when each of its words lies within it. A query with marks (Vietnamese
tones) ranks first the names that have each of its words with the same marks, so "Thành Đạt"
comes before "Thanh Đạt" (a query with marks is taken as written with all of them).

A licence number is cut into runs of digits and of letters; leading zeros and prefixes like
"№", "No.", "số", "លេខ" are dropped, and spaces, dashes and slashes do not count. A query without
letters matches on the digits alone ("45" finds "045/LĐTBXH-GP"), or on the first runs
("1023" finds "1023/066/67", ranked after exact matches); a query with letters needs them all.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypedDict

RULES_PATH = Path(__file__).resolve().with_name("matching_rules.json")
Script = Literal["Cyrl", "Latn", "Khmr", "Mymr", "Deva"]
SCRIPTS: tuple[Script, ...] = ("Cyrl", "Latn", "Khmr", "Mymr", "Deva")

_DIGIT_RUNS = re.compile(r"[0-9]+|[^0-9]+")
_DOUBLED = re.compile(r"([a-z])\1+")

# Ranks of a match, best first (the page may say "licence numbers beginning with ..." for PARTIAL).
LICENCE, EXACT, PREFIX, WITHIN, WORDS, LICENCE_START = 0, 1, 2, 3, 4, 5


class LicenceKey(TypedDict):
    runs: str  # digit runs without leading zeros, joined by "-": "1023-66-67"
    digits: str  # every digit in order, leading zeros dropped: "102306667"
    full: str  # letter and digit runs, prefixes dropped: "45-ldtbxh-gp"


class QueryLicence(LicenceKey):
    letters: bool


class Verdict(TypedDict, total=False):
    state: Literal["licensed", "not_yet_valid", "suspended", "revoked", "expired", "not_listed"]
    date: str
    until: str


@cache
def rule_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    return data


def rules_for(script: Script) -> dict[str, Any]:
    """The rules a compiled list carries: the common part with its script's profile merged in."""
    data = rule_data()
    profile = data["profiles"][script]
    return {
        "version": data["version"],
        "strip_marks": data["strip_marks"],
        "chars": {**data["chars"], **profile["chars"]},
        "digit_zeros": data["digit_zeros"],
        "legal_words": data["legal_words"],
        "legal_affixes": data["legal_affixes"],
        "licence_prefixes": data["licence_prefixes"],
        "min_query": data["min_query"],
        "fold": profile["fold"],
        "collapse": profile["collapse"],
    }


class Matcher:
    """The rules of one compiled list, ready to use (`match.js`: `matcher(rules)`)."""

    def __init__(self, rules: dict[str, Any]) -> None:
        self.rules = rules
        self._marks: list[tuple[int, int]] = [(lo, hi) for lo, hi in rules["strip_marks"]]
        self._chars: dict[str, str] = rules["chars"]
        self._zeros: list[int] = rules["digit_zeros"]
        self._fold: list[tuple[str, str]] = [(a, b) for a, b in rules["fold"]]
        self._collapse: bool = rules["collapse"]
        self.min_query: int = rules["min_query"]
        phrases = {tuple(self._bases(text)) for text in rules["legal_words"]} - {()}
        self._legal = [list(p) for p in sorted(phrases, key=lambda p: (-len(p), p))]
        self._affixes = [a for a in ("".join(self._bases(text)) for text in rules["legal_affixes"]) if a]
        self._prefixes = {word for text in rules["licence_prefixes"] for word in self._bases(text)}

    # ---- the one split every key starts from ---------------------------------------------
    def _is_mark(self, code: int) -> bool:
        return any(lo <= code <= hi for lo, hi in self._marks)

    def _digit(self, code: int) -> str | None:
        for zero in self._zeros:
            if zero <= code <= zero + 9:
                return str(code - zero)
        return None

    def split_words(self, text: str) -> list[tuple[str, str]]:
        """The words of `text`, each as (letters and digits, the marks dropped from it)."""
        words: list[tuple[str, str]] = []
        base: list[str] = []
        marks: list[str] = []
        for ch in unicodedata.normalize("NFKD", text).lower():
            code = ord(ch)
            if self._is_mark(code):
                marks.append(ch)
                continue
            mapped = self._chars.get(ch)
            if mapped is None:
                mapped = self._digit(code)
            if mapped is None and unicodedata.category(ch)[0] in "LNM":
                mapped = ch
            if mapped is not None:
                base.append(mapped)
                continue
            if base:
                words.append(("".join(base), "".join(marks)))
            base, marks = [], []
        if base:
            words.append(("".join(base), "".join(marks)))
        return [(b, m) for b, m in words if b]

    def _bases(self, text: str) -> list[str]:
        return [base for base, _ in self.split_words(text)]

    # ---- names -----------------------------------------------------------------------------
    def _without_legal(self, words: list[str]) -> list[str]:
        kept: list[str] = []
        i = 0
        while i < len(words):
            phrase = next((p for p in self._legal if words[i : i + len(p)] == p), None)
            if phrase:
                i += len(phrase)
                continue
            kept.append(words[i])
            i += 1
        stripped = []
        for word in kept:
            for affix in self._affixes:
                word = word.replace(affix, "")
            if word:
                stripped.append(word)
        return stripped or words

    def _folded(self, word: str) -> str:
        for a, b in self._fold:
            word = word.replace(a, b)
        return word

    def _collapsed(self, key: str) -> str:
        return _DOUBLED.sub(r"\1", key) if self._collapse else key

    def query_words(self, text: str) -> list[str]:
        return [self._collapsed(self._folded(w)) for w in self._without_legal(self._bases(text))]

    def name_key(self, text: str) -> str:
        return self._collapsed("".join(self._folded(w) for w in self._without_legal(self._bases(text))))

    def toned_words(self, text: str) -> list[str]:
        """Words with their marks kept, sorted at the word's end: "hoà" and "hòa" agree."""
        return [base + "".join(sorted(marks)) for base, marks in self.split_words(text)]

    def has_marks(self, text: str) -> bool:
        return any(self._is_mark(ord(ch)) for ch in unicodedata.normalize("NFKD", text))

    # ---- licence numbers -----------------------------------------------------------------------
    def query_licence(self, text: str) -> QueryLicence:
        runs = [run for word in self._bases(text) for run in _DIGIT_RUNS.findall(word)]
        while runs and not _is_digits(runs[0]) and runs[0] in self._prefixes:
            runs.pop(0)
        return _licence_from_runs(runs)

    def licence_key(self, text: str) -> LicenceKey:
        query = self.query_licence(text)
        return {"runs": query["runs"], "digits": query["digits"], "full": query["full"]}


def _is_digits(run: str) -> bool:
    return "0" <= run[0] <= "9"


def _licence_from_runs(runs: list[str]) -> QueryLicence:
    digit_runs = [run.lstrip("0") or "0" for run in runs if _is_digits(run)]
    raw = "".join(run for run in runs if _is_digits(run))
    return {
        "runs": "-".join(digit_runs),
        "digits": (raw.lstrip("0") or "0") if raw else "",
        "full": "-".join((run.lstrip("0") or "0") if _is_digits(run) else run for run in runs),
        "letters": any(not _is_digits(run) for run in runs),
    }


def licence_rank(query: QueryLicence, key: LicenceKey) -> int | None:
    if not query["runs"]:
        return None
    if query["letters"]:
        return LICENCE if query["full"] == key["full"] else None
    if query["runs"] == key["runs"] or query["digits"] == key["digits"]:
        return LICENCE
    asked, listed = query["runs"].split("-"), key["runs"].split("-")
    if len(asked) < len(listed) and listed[: len(asked)] == asked:
        return LICENCE_START
    return None


def name_rank(words: list[str], key: str) -> int | None:
    phrase = "".join(words)
    if key == phrase:
        return EXACT
    if key.startswith(phrase):
        return PREFIX
    if phrase in key:
        return WITHIN
    if all(word in key for word in words):
        return WORDS
    return None


def names_of(agency: dict[str, Any]) -> list[str]:
    """An agency's names in the order of its `keys`: local, Latin, then other names."""
    return [agency["name"]["local"], agency["name"]["latin"], *agency.get("aliases", [])]


@cache
def _matcher(rules_json: str) -> Matcher:
    return Matcher(json.loads(rules_json))


def matcher(rules: dict[str, Any]) -> Matcher:
    return _matcher(json.dumps(rules, sort_keys=True, ensure_ascii=False))


class Match(TypedDict):
    id: str
    via: Literal["licence", "name"]
    rank: int
    tones: bool  # the query's marks agree with a name's (always true when the query has none)


def search(compiled: dict[str, Any], query: str) -> list[Match]:
    """The agencies of one compiled list (`compiled_list`) that `query` names, best first."""
    m = matcher(compiled["rules"])
    licence = m.query_licence(query)
    words = m.query_words(query)
    phrase_long_enough = len("".join(words)) >= m.min_query
    toned = m.toned_words(query) if m.has_marks(query) else []
    found: list[tuple[tuple[int, int, int], Match]] = []
    for position, agency in enumerate(compiled["agencies"]):
        best: tuple[int, int, int] | None = None
        via: Literal["licence", "name"] = "licence"
        rank = licence_rank(licence, agency["licence_key"])
        if rank is not None:
            best = (0, rank, position)
        if phrase_long_enough:
            ranks = [r for r in (name_rank(words, key) for key in agency["keys"]) if r is not None]
            if ranks:
                tone_miss = 0
                if toned:
                    named = [set(m.toned_words(name)) for name in names_of(agency)]
                    tone_miss = 0 if any(all(w in words_of for w in toned) for words_of in named) else 1
                candidate = (tone_miss, min(ranks), position)
                if best is None or candidate < best:
                    best, via = candidate, "name"
        if best is not None:
            found.append((best, {"id": agency["id"], "via": via, "rank": best[1], "tones": best[0] == 0}))
    return [match for _, match in sorted(found, key=lambda item: item[0])]


def verdict(agency: dict[str, Any] | None, today: str) -> Verdict:
    """What the page says of a search result on `today` (ISO date, the phone's own calendar)."""
    if agency is None:
        return {"state": "not_listed"}
    status = agency["status"]
    if status == "revoked":
        return {"state": "revoked", "date": agency["revoked_on"]}
    if status == "suspended":
        result: Verdict = {"state": "suspended", "date": agency["suspended_on"]}
        if agency.get("suspended_until"):
            result["until"] = agency["suspended_until"]
        return result
    if status == "expired" or agency["valid_until"] < today:
        return {"state": "expired", "date": agency["valid_until"]}
    if agency.get("valid_from") and today < agency["valid_from"]:
        return {"state": "not_yet_valid", "date": agency["valid_from"]}
    return {"state": "licensed", "date": agency["valid_until"]}
