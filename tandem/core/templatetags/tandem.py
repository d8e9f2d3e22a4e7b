"""Template tags and filters shared by every app: ``{% load tandem %}``."""

from django import template
from django.utils.safestring import SafeString

from tandem.core.markdown import markdown_to_html

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Render Markdown as sanitised HTML: ``{{ document.body|markdown }}``."""
    return markdown_to_html(text or "")
