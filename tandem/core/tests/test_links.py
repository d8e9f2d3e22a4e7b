"""Full links follow the address the site is served on: ``make run PORT=...`` to the worker."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def make_dry_run(target: str, *args: str) -> list[str]:
    # Under `make test` the tests run inside make: drop what a parent make passes down (it
    # would add "Entering/Leaving directory" lines to the output).
    inherited = {"TANDEM_SITE_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    make = shutil.which("make") or "make"
    result = subprocess.run(  # noqa: S603 (our own Makefile, fixed arguments)
        [make, "--no-print-directory", "-n", target, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("target", "command"),
    [("run", "runserver"), ("run", "load_demo"), ("serve", "runserver"), ("worker", "db_worker")],
)
def test_make_passes_the_served_address_to_the_site_the_demo_and_the_worker(target, command):
    lines = [line for line in make_dry_run(target, "PORT=8300") if f"manage.py {command}" in line]
    assert lines
    assert all(line.startswith("TANDEM_SITE_URL=http://127.0.0.1:8300 ") for line in lines)


def test_an_explicit_site_url_wins_over_host_and_port():
    lines = make_dry_run("serve", "PORT=8300", "TANDEM_SITE_URL=https://mentoring.example.org")
    assert "TANDEM_SITE_URL=https://mentoring.example.org " in lines[-1]


def test_development_settings_build_links_on_the_address_given():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "TANDEM_SITE_URL": "http://127.0.0.1:8300/",
    }
    code = (
        "import django; django.setup(); from tandem.core.links import absolute_url; "
        "print(absolute_url('/p/demo/'))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "http://127.0.0.1:8300/p/demo/"
