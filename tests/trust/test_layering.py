"""Every app of Tandem has its place in the layers that `lint-imports` (make checks) enforces.

import-linter checks only the modules a contract names, so an app missing from the layers
would be free to import anything; this test makes adding an app mean placing it.
"""

import configparser
from pathlib import Path

import tandem

ROOT = Path(tandem.__file__).parent


def _layered_modules() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT.parent / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    return {name.strip() for line in layers.splitlines() for name in line.split("|") if name}


def test_every_app_and_top_module_of_tandem_sits_in_a_layer():
    present = {
        f"tandem.{path.stem if path.suffix else path.name}"
        for path in ROOT.iterdir()
        if (path.is_dir() and (path / "__init__.py").exists())
        or (path.suffix == ".py" and path.name != "__init__.py")
    }
    layered = _layered_modules()
    assert sorted(present - layered) == [], "place each new app in a layer of .importlinter"
    assert sorted(layered - present) == [], ".importlinter names an app that is gone"
