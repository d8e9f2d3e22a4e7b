"""Development: DEBUG on, console email, a fixed throwaway secret key unless one is given."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
# Development runs tasks in the worker too, so `make worker` shows the real flow;
# without a worker, set TANDEM_TASKS=immediate to run them inline.
if os.environ.get("TANDEM_TASKS") == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

TANDEM_WEBHOOK_ALLOW_LOOPBACK = True  # http://127.0.0.1 receivers while developing
