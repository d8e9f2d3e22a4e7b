"""``{% crumbs %}``: the breadcrumbs of a page below a program (Program > Matching > Run 3)."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def program_home_url(context: Any, program: Any) -> str:
    """Return the program's home for the viewer: the cockpit for its coordinators, else the
    member's home (read from the navigation already on the page: no query of its own)."""
    navigation = context.get("navigation")
    places = navigation.places if navigation is not None else []
    coordinates = any(p.program.pk == program.pk and p.is_coordinator for p in places)
    name = "dashboard:cockpit" if coordinates else "dashboard:member_home"
    return reverse(name, kwargs={"slug": program.slug})


@register.simple_tag(takes_context=True)
def crumbs(context: Any, program: Any, *trail: Any) -> SafeString:
    """Render the program's name (a link to its home) and then ``trail``: label, url, label,
    url, ..., with the last label (the page itself) unlinked. An empty url leaves a label
    unlinked."""
    items = []
    if program is not None:
        items.append((program_home_url(context, program), program.name))
    pairs = list(trail)
    while pairs:
        label = pairs.pop(0)
        url = pairs.pop(0) if pairs else ""
        items.append((url, label))
    rendered = []
    for i, (url, label) in enumerate(items):
        if i == len(items) - 1:
            rendered.append(format_html('<li aria-current="page">{}</li>', label))
        elif url:
            rendered.append(format_html('<li><a href="{}">{}</a></li>', url, label))
        else:
            rendered.append(format_html("<li>{}</li>", label))
    return format_html(
        '<nav aria-label="breadcrumb"><ul>{}</ul></nav>',
        format_html_join("", "{}", ((item,) for item in rendered)),
    )
