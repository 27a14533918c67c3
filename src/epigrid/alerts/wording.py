"""A notice worded in each of the site's languages: each reader reads it in their own.

A notice is written once, by whatever raised it (an officer's request in English, a task at
night in the deployment's language), and read by many, each in the language their pages are
shown in. `worded(compose)` runs `compose` once per language of settings.LANGUAGES, with that
language active, and keeps each (title, body); the inbox and the API show the reader's.
A text given as a plain string (a person's own words) reads the same in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Wording:
    """(title, body) by language code."""

    texts: dict[str, tuple[str, str]]

    def stored(self) -> dict[str, list[str]]:
        return {code: [title, body] for code, (title, body) in self.texts.items()}

    def default(self) -> tuple[str, str]:
        """The deployment's own language's (settings.LANGUAGE_CODE): the notice's title and
        body columns, read where no language is asked (the admin, a search by title)."""
        return self.texts.get(settings.LANGUAGE_CODE) or next(iter(self.texts.values()))


def worded(compose: Callable[[], tuple[str, str]]) -> Wording:
    """`compose`'s (title, body) in each of the site's languages."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            title, body = compose()
            texts[code] = (str(title), str(body))
    return Wording(texts)


def in_language(stored: dict[str, list[str]], fallback: tuple[str, str],
                language: str | None) -> tuple[str, str]:
    """The (title, body) kept for `language` (or its base: "zh" for "zh-hant"), else
    `fallback` (a notice worded once: sent before notices were worded in each language, or
    in a person's own words)."""
    if language:
        for code in (language.lower(), language.lower().split("-")[0]):
            if code in stored:
                title, body = stored[code]
                return title, body
    return fallback
