"""Production settings for the load benchmark: static files collected into a temporary folder."""

import os
from pathlib import Path

from config.settings.production import *  # noqa: F403

STATIC_ROOT = Path(os.environ["TANDEM_STATIC_ROOT"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
