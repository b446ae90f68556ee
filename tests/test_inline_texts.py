"""Templates compiled with a language's fixed texts written in render as the originals do."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from inventory.web.inline_texts import InlineTexts, per_language

SOURCE = '<p title="{{ t.tip }}">{{ t.hello }} {{t.shaped}} {{ t["hello"] }} {{ t.gone }}</p>'
TEXTS = {"hello": "Xin chào <b>", "tip": 'a "tip" & more', "shaped": "{name} đã đến"}


def _environment() -> Environment:
    return Environment(loader=DictLoader({"page.html": SOURCE}), autoescape=True)


def test_texts_are_written_in_escaped_and_the_page_renders_as_before() -> None:
    environment = _environment()
    inlined = per_language(environment, "page.html", {"vi": TEXTS})["vi"]
    original = environment.get_template("page.html")
    assert inlined.render(t=TEXTS) == original.render(t=TEXTS)
    # Written in: it shows even when rendered without the texts (a missing key stays empty).
    assert "Xin chào &lt;b&gt;" in inlined.render(t={})
    assert "a &#34;tip&#34; &amp; more" in inlined.render(t={})


def test_a_text_that_reads_as_template_syntax_and_other_uses_of_t_stay() -> None:
    environment = _environment()
    source, _, _ = InlineTexts(environment.loader, TEXTS).get_source(environment, "page.html")
    assert "{{t.shaped}}" in source  # braces in the text: left to render time
    assert '{{ t["hello"] }}' in source and "{{ t.gone }}" in source
    assert "{{ t.hello }}" not in source and "{{ t.tip }}" not in source
