"""Full links for emails, calendar feeds and API answers, built on ``settings.SITE_URL``."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return the site-relative ``path`` as a full link (``SITE_URL`` + path)."""
    return f"{settings.SITE_URL}{path}"
