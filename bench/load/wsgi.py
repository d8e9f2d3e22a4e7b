"""WSGI entry for the benchmark: load Django and the URL conf in the gunicorn master (--preload),
so forked workers start warm instead of importing every view on their first request."""

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (import every view now)
