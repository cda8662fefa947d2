"""Validate content/notifications/<lang>.yaml (the SMS people receive) and compile them for the backend.

    python -m devstack.notifications    # writes backend/chalicelib/data/notifications.json

A mistake is reported as `file: field: problem`, e.g.
`content/notifications/fr.yaml: messages.offered: missing placeholder(s) {until}`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import ValidationError

from chalicelib.core.i18n import SITE_LANGUAGES
from chalicelib.notifications.templates import TEMPLATES_PATH, LanguageTexts, Notifications
from devstack import CONTENT
from devstack.content import ContentError, _read_yaml, _rel


def load_notifications(content_dir: Path = CONTENT) -> Notifications:
    folder = content_dir / "notifications"
    problems: list[str] = []
    languages: dict[str, LanguageTexts] = {}
    for lang in SITE_LANGUAGES:
        path = folder / f"{lang}.yaml"
        try:
            languages[lang] = LanguageTexts.model_validate(_read_yaml(path))
        except ContentError as exc:
            problems += exc.problems
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "(file)"
                problems.append(f"{_rel(path)}: {field}: {err['msg']}")
    stray = sorted(p.name for p in folder.glob("*.yaml") if p.stem not in SITE_LANGUAGES)
    problems += [f"{_rel(folder / name)}: not a site language" for name in stray]
    if problems:
        raise ContentError(problems)
    return Notifications(languages=languages)


def compile_notifications(content_dir: Path = CONTENT, target: Path = TEMPLATES_PATH) -> Notifications:
    notifications = load_notifications(content_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(notifications.model_dump_json(), encoding="utf-8")
    tmp.replace(target)
    return notifications


def main() -> int:
    try:
        notifications = compile_notifications()
    except ContentError as exc:
        print("SMS texts have mistakes:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"notifications: {len(notifications.languages)} languages -> {_rel(TEMPLATES_PATH)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
