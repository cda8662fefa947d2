"""The recruiters' lists: check content/recruiters.yaml, load a regulator's CSV into it, and write
the small per-country lists the phone searches offline.

    python -m devstack.recruiters build [--out build/recruiters]
    python -m devstack.recruiters import --file list.csv --country TJ [--source TITLE]
                                         [--source-url URL] [--published YYYY-MM-DD]

(`make recruiters` runs one or the other; README, "Recruiters' lists", documents the CSV.)

An import reads the whole CSV first and reports every bad row, by line and column, in one pass;
it writes nothing unless every row is good. It then replaces that country's block of the YAML file
(its agencies and the source of the list) and leaves every other line, comments included, as it
was; the new file is checked whole, written beside the old one and renamed over it, so a reader
never sees half a list.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import brotli
import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.centres.recruiters import (
    STATUSES,
    Agency,
    CountryHeader,
    CountryList,
    ListSource,
    RecruiterList,
    compiled_list,
)
from devstack import BUILD, CONTENT
from devstack.content import ContentError, _rel

RECRUITERS_PATH = CONTENT / "recruiters.yaml"
PHONE_LISTS = BUILD / "recruiters"
SIZE_BUDGET = 20_000  # bytes, brotli: the largest country's list stays well under it

COLUMNS = (
    "licence",
    "name_local",
    "name_latin",
    "aliases",
    "status",
    "valid_from",
    "valid_until",
    "suspended_on",
    "suspended_until",
    "revoked_on",
    "address",
    "phone",
)
REQUIRED_COLUMNS = ("licence", "name_local", "name_latin", "status", "address")
DATE_COLUMNS = ("valid_from", "valid_until", "suspended_on", "suspended_until", "revoked_on")
ALIAS_SEPARATOR = "|"
_COUNTRY_LINE = re.compile(r"^  - country: *([A-Z]{2}) *$")


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _field(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(entry)"


def _problems(exc: ValidationError, prefix: str) -> list[str]:
    return [f"{prefix}{_field(e['loc'])}: {_message(e)}" for e in exc.errors()]


# ---- reading and checking the YAML file ---------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates, so that a wrong date (2029-02-29) is reported by field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _country_problems(where: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: must be a mapping"]
    head = {k: v for k, v in entry.items() if k != "agencies"}
    agencies = entry.get("agencies")
    problems: list[str] = []
    header: CountryHeader | None = None
    try:
        header = CountryHeader.model_validate(head)
    except ValidationError as exc:
        problems += _problems(exc, f"{where}: ")
    if not isinstance(agencies, list) or not agencies:
        return [*problems, f"{where}: agencies: must be a list of at least one agency"]
    licences: list[str] = []
    labels: list[str] = []
    for index, raw in enumerate(agencies):
        label = f"{where}: agencies[{index}]"
        if isinstance(raw, dict) and isinstance(raw.get("licence"), str):
            label += f" (licence '{raw['licence']}')"
            licences.append(raw["licence"])
            labels.append(label)
        try:
            agency = Agency.model_validate(raw)
        except ValidationError as exc:
            problems += _problems(exc, f"{label}: ")
            continue
        if header:
            problems += [f"{label}: {field}: {problem}" for field, problem in header.agency_problems(agency)]
    if header:
        problems += [
            f"{labels[i]}: licence: same licence number as {labels[j].rsplit(': ', 1)[1]}"
            for i, j in header.repeated_licences(licences)
        ]
    return problems


def parse_recruiters(text: str, path: Path = RECRUITERS_PATH) -> RecruiterList:
    """The list in `text` (the YAML of `path`), or every mistake in it."""
    name = _rel(path)
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader without dates)
    except yaml.YAMLError as exc:
        raise ContentError([f"{name}: not valid YAML: {exc}"]) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("countries"), list):
        raise ContentError([f"{name}: must be a mapping with a list 'countries'"])
    problems = [f"{name}: {key}: unknown key" for key in doc if key != "countries"]
    for index, entry in enumerate(doc["countries"]):
        where = f"{name}: countries[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("country"), str):
            where += f" ({entry['country']})"
        problems += _country_problems(where, entry)
    if problems:
        raise ContentError(problems)
    try:
        return RecruiterList.model_validate(doc)
    except ValidationError as exc:
        raise ContentError(_problems(exc, f"{name}: ")) from exc


def load_recruiters(path: Path = RECRUITERS_PATH) -> RecruiterList:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ContentError([f"{_rel(path)}: file is missing"]) from exc
    return parse_recruiters(text, path)


# ---- writing one country's block ------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value in STATUSES:
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    # A JSON string is a YAML double-quoted scalar: every character survives, nothing is guessed.
    return json.dumps(str(value), ensure_ascii=False)


def _mapping(model: BaseModel, indent: str, first: str = "") -> list[str]:
    lines = []
    for key, value in model.model_dump(exclude_none=True).items():
        if value == []:
            continue
        lines.append(f"{first or indent}{key}: {_scalar(value)}")
        first = ""
    return lines


def country_block(country: CountryList, comments: Iterable[str] = ()) -> str:
    """`country` as it stands in content/recruiters.yaml, from `  - country:` to its last agency."""
    lines = [f"  - country: {country.country}"]
    lines += [f"    # {comment}" for comment in comments]
    lines += [f"    name: {_scalar(country.name)}", f"    script: {country.script}", "    regulator:"]
    lines += _mapping(country.regulator, "      ")
    lines.append("    source:")
    lines += _mapping(country.source, "      ")
    lines += [f"    sample_data: {_scalar(country.sample_data)}", "    agencies:"]
    for agency in country.agencies:
        lines += _mapping(agency, "        ", first="      - ")
    return "\n".join(lines) + "\n"


def replace_country_block(text: str, code: str, block: str, path: Path = RECRUITERS_PATH) -> str:
    """`text` with the block of country `code` replaced by `block`; every other line kept.
    A block runs from its `  - country: XX` line to the next line indented two spaces or less."""
    lines = text.splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if (m := _COUNTRY_LINE.match(line.rstrip("\n"))) and m.group(1) == code),
        None,
    )
    if start is None:
        raise ContentError(
            [f"{_rel(path)}: no line '  - country: {code}' (two spaces, then the list item) starts a block to replace"]
        )
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("   ")):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # blank lines before the next block stay
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


# ---- reading a regulator's CSV ---------------------------------------------------------------


def _parse_date(text: str) -> date | str:
    """ISO dates, or day first (31/12/2026, 31.12.2026, 31-12-2026) as regulators print them;
    what is not a date comes back as it was."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([f"{name}: line {line}: not UTF-8 (save the file as CSV UTF-8)"]) from exc


def _separator(header_line: str) -> str:
    return max((";", ",", "\t"), key=header_line.count)


def _row_fields(cells: dict[str, str], sample_data: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The model's fields from one row, and the problems of cells that are not dates."""
    fields: dict[str, Any] = {"sample_data": sample_data}
    bad_dates: dict[str, str] = {}
    for column, cell in cells.items():
        value = " ".join(cell.split())  # a line break inside a spreadsheet cell is a space
        if not value:
            continue
        if column == "aliases":
            fields[column] = [a.strip() for a in value.split(ALIAS_SEPARATOR) if a.strip()]
        elif column in DATE_COLUMNS:
            parsed = _parse_date(value)
            if isinstance(parsed, date):
                fields[column] = parsed
            else:
                bad_dates[column] = f"'{value}' is not a date (YYYY-MM-DD, or DD/MM/YYYY with the day first)"
        elif column == "status":
            fields[column] = value.lower()
        else:
            fields[column] = value
    return fields, bad_dates


def read_csv(data: bytes, header: CountryHeader, name: str, sample_data: bool = False) -> list[Agency]:
    """Every agency of a regulator's CSV (UTF-8 with or without BOM, `;` `,` or tab between
    columns), or every problem in it, each as `name: line N: column: problem`."""
    text = _decode(data, name)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line))
    columns = _columns(reader, name)
    agencies: list[Agency] = []
    problems: list[str] = []
    licences: list[tuple[int, str]] = []  # (line, licence) of every row, good or bad: repeats are named
    line = reader.line_num + 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            agency, licence, found = _agency(cells, columns, header, sample_data, f"{name}: line {start}")
            if licence:
                licences.append((start, licence))
            problems += found
            if agency is not None:
                agencies.append(agency)
    except csv.Error as exc:
        problems.append(f"{name}: line {reader.line_num}: {exc}")
    for i, j in header.repeated_licences([licence for _, licence in licences]):
        problems.append(
            f"{name}: line {licences[i][0]}: licence: same licence number as line {licences[j][0]} ('{licences[j][1]}')"
        )
    if not agencies and not problems:
        problems.append(f"{name}: has no agencies")
    if problems:
        raise ContentError(sorted(problems, key=_line_number))
    return agencies


def _columns(reader: Iterator[list[str]], name: str) -> list[str]:
    """The header line's column names, or every problem with them."""
    try:
        columns = [c.strip().lower() for c in next(reader)]
    except StopIteration:
        raise ContentError([f"{name}: is empty"]) from None
    problems = [
        f"{name}: line 1: column '{c}' is not known (columns: {', '.join(COLUMNS)})"
        for c in columns
        if c not in COLUMNS
    ]
    problems += [f"{name}: line 1: column '{c}' is missing" for c in REQUIRED_COLUMNS if c not in columns]
    problems += [f"{name}: line 1: column '{c}' appears twice" for c in sorted(set(columns)) if columns.count(c) > 1]
    if problems:
        raise ContentError(problems)
    return columns


def _agency(
    cells: list[str], columns: list[str], header: CountryHeader, sample_data: bool, where: str
) -> tuple[Agency | None, str | None, list[str]]:
    """One row: its agency (None if it cannot be read), its licence number as written, its problems."""
    if len(cells) != len(columns):
        return None, None, [f"{where}: has {len(cells)} columns, the header has {len(columns)}"]
    fields, bad_dates = _row_fields(dict(zip(columns, cells, strict=True)), sample_data)
    licence = fields.get("licence") or None
    problems = [f"{where}: {column}: {problem}" for column, problem in bad_dates.items()]
    try:
        agency = Agency.model_validate(fields)
    except ValidationError as exc:
        problems += [
            f"{where}: {_field(e['loc'])}: {_message(e)}"
            for e in exc.errors()
            if not (e["loc"] and e["loc"][0] in bad_dates)
        ]
        return None, licence, problems
    if bad_dates:
        return None, licence, problems
    problems += [f"{where}: {field}: {problem}" for field, problem in header.agency_problems(agency)]
    return agency, licence, problems


def _line_number(problem: str) -> int:
    match = re.search(r": line (\d+): ", problem)
    return int(match.group(1)) if match else 0


def import_csv(
    csv_path: Path,
    country: str,
    *,
    source: str | None = None,
    source_url: str | None = None,
    published: date | None = None,
    today: date | None = None,
    content_path: Path = RECRUITERS_PATH,
) -> CountryList:
    """Replace `country`'s agencies in `content_path` with those of the CSV; all or nothing."""
    code = country.strip().upper()
    text = content_path.read_text(encoding="utf-8")
    current = parse_recruiters(text, content_path).country(code)
    if current is None:
        raise ContentError(
            [f"{_rel(content_path)}: has no list for {code}: add the country, its script and regulator first"]
        )
    if not source and current.sample_data:
        raise ContentError(
            [
                "SOURCE: name the regulator's publication this CSV comes from (its title): the list it replaces"
                " is sample data"
            ]
        )
    checked_on = today or date.today()
    try:
        new_source = ListSource(
            title=source or current.source.title,
            url=source_url or (None if source else current.source.url),
            published_on=published,
            checked_on=checked_on,
        )
    except ValidationError as exc:
        raise ContentError(_problems(exc, "source: ")) from exc
    header = CountryHeader.model_validate(
        {**current.model_dump(exclude={"agencies"}), "source": new_source, "sample_data": False}
    )
    try:
        data = csv_path.read_bytes()
    except OSError as exc:
        raise ContentError([f"{csv_path}: cannot be read: {exc.strerror}"]) from exc
    agencies = read_csv(data, header, csv_path.name)
    updated = CountryList.model_validate({**header.model_dump(), "agencies": agencies})
    comment = f"Loaded with `make recruiters` from {csv_path.name} on {checked_on}: {len(agencies)} agencies."
    new_text = replace_country_block(text, code, country_block(updated, [comment]), content_path)
    parse_recruiters(new_text, content_path)  # the whole file, as the build will read it
    _write_atomically(content_path, new_text)
    return updated


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- the phone's lists -----------------------------------------------------------------------


def phone_list_bytes(country: CountryList) -> bytes:
    return json.dumps(compiled_list(country), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_phone_lists(
    target: Path = PHONE_LISTS, recruiters: RecruiterList | None = None
) -> dict[str, tuple[int, int]]:
    """`<cc>.json` per country in `target` (the site publishes them under assets/recruiters/);
    returns each country's size, raw and brotli-compressed, in bytes."""
    recruiters = recruiters or load_recruiters()
    target.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, tuple[int, int]] = {}
    for country in recruiters.countries:
        data = phone_list_bytes(country)
        path = target / f"{country.country.lower()}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        sizes[country.country] = (len(data), len(brotli.compress(data, quality=11)))
    return sizes


def _optional_date(text: str | None) -> date | None:
    if not text:
        return None
    parsed = _parse_date(text)
    if isinstance(parsed, str):
        raise ContentError([f"PUBLISHED: '{text}' is not a date (YYYY-MM-DD)"])
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.recruiters", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="check the lists and write the phone's copies")
    build.add_argument("--out", type=Path, default=PHONE_LISTS)
    load = commands.add_parser("import", help="load a regulator's CSV for one country")
    load.add_argument("--file", required=True)
    load.add_argument("--country", required=True)
    load.add_argument("--source", default="")
    load.add_argument("--source-url", default="")
    load.add_argument("--published", default="")
    load.add_argument("--content", type=Path, default=RECRUITERS_PATH, help="the YAML file to update")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            recruiters = load_recruiters()
            sizes = write_phone_lists(args.out, recruiters)
            print(f"recruiters: {sum(len(c.agencies) for c in recruiters.countries)} agencies -> {_rel(args.out)}/")
            for country in recruiters.countries:
                raw, packed = sizes[country.country]
                print(
                    f"  {country.country.lower()}.json  {len(country.agencies):3d} agencies"
                    f"  {raw:6d} bytes  {packed:6d} bytes brotli"
                )
            largest = max(packed for _, packed in sizes.values())
            if largest > SIZE_BUDGET:
                print(f"the largest list is {largest} bytes brotli, over the {SIZE_BUDGET} budget", file=sys.stderr)
                return 1
            return 0
        if not args.file or not args.country:
            raise ContentError(["usage: make recruiters FILE=list.csv COUNTRY=TJ [SOURCE=...]"])
        updated = import_csv(
            Path(args.file),
            args.country,
            source=args.source or None,
            source_url=args.source_url or None,
            published=_optional_date(args.published),
            content_path=args.content,
        )
    except ContentError as exc:
        print(
            "Nothing was changed:" if args.command == "import" else "The recruiters' list has mistakes:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    statuses = ", ".join(f"{sum(a.status == s for a in updated.agencies)} {s}" for s in STATUSES)
    print(f"{_rel(args.content)}: {updated.country} now lists {len(updated.agencies)} agencies ({statuses}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
