"""Templates with one language's fixed texts written into them, for the page lane.

A page shows most of its texts as `{{ t.key }}`: for a given language each is a constant,
yet Jinja looks it up and escapes it on every render. A template loaded through
`InlineTexts` has each such text in its source already escaped, where Jinja's compiler
joins it with the markup around it; the page renders the same, in less time. Only plain
`{{ t.key }}` is replaced, and only by a text without braces (which would read as
template syntax); every other use of `t` stays as it was, so the template is still
rendered with `t`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from jinja2 import BaseLoader, Environment, Template
from markupsafe import escape

_TEXT = re.compile(r"\{\{\s*t\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class InlineTexts(BaseLoader):
    """The templates of `loader`, with the fixed texts of `texts` in their source."""

    def __init__(self, loader: BaseLoader, texts: Mapping[str, object]) -> None:
        self.loader = loader
        self.texts = texts

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        return _TEXT.sub(self._inline, source), filename, uptodate

    def _inline(self, match: re.Match[str]) -> str:
        text = self.texts.get(match.group(1))
        if not isinstance(text, str) or "{" in text or "}" in text:
            return match.group(0)
        return str(escape(text))


def per_language(
    environment: Environment, name: str, languages: Mapping[str, Mapping[str, object]]
) -> dict[str, Template]:
    """The template `name` compiled once per language, its fixed texts written in."""
    assert environment.loader is not None
    return {
        lang: environment.overlay(loader=InlineTexts(environment.loader, texts)).get_template(name)
        for lang, texts in languages.items()
    }
