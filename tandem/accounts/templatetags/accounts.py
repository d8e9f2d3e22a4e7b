from django import template

from tandem.accounts.adapter import rate_limit_wait_minutes

register = template.Library()


@register.simple_tag
def rate_limit_minutes() -> int:
    """Return the longest wait, in minutes, any sign-in or account rate limit can impose."""
    return rate_limit_wait_minutes()
