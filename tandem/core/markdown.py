"""Render Markdown written by people (guidebook pages, notes) into HTML that is safe to show.

Python-Markdown turns the text into HTML (raw HTML in the text passes through it), then nh3
keeps only a small set of tags, attributes and link schemes, so nothing a writer types can run
script, load outside content or restyle the page.
"""

import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

EXTENSIONS = ["extra", "sane_lists", "nl2br"]

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "a", "abbr",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Scripts and styles lose their content too, not only their tags.
CLEAN_CONTENT_TAGS = {"script", "style"}


# Building a converter loads its extensions (most of the cost of a short note), so each thread
# keeps one and resets it before every document, as Python-Markdown's reference advises.
_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter: markdown_lib.Markdown | None = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
        _converters.markdown = converter
    return converter.reset()


def markdown_to_html(text: str) -> SafeString:
    """Return sanitised HTML for Markdown ``text`` (empty string for empty text)."""
    if not text or not text.strip():
        return mark_safe("")
    html = _converter().convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
