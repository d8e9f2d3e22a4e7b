"""axe-core on every page the browser journeys open, at desktop and at phone width.

Every page of every browser context a test opens (whoever is signed in) is checked as soon as
it has loaded, and again after each htmx swap settles (once per part of the page that swaps):
its document as it stands (``page.content()``, scripts left out) is copied into
a page of a context of its own, where axe-core from npm (``node_modules/axe-core``) runs against
the WCAG 2.0, 2.1 and 2.2 A and AA rules at desktop width and again at phone width. The copy
keeps the checks out of the journey's way: they never resize, script or reload the page a test
drives, and they send the site no request but its stylesheets. A page seen before (the same
address, numbers aside, and the same title) is not checked again. The test that opened a page
with a violation fails, naming the rule, the page and the elements; the count of pages checked
is printed at the end of the run.

``TANDEM_AXE=0`` turns the checks off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = (("desktop", DESKTOP), ("phone", PHONE))
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Beyond WCAG's own rules: a skip link that works, landmarks around all content, one main
# landmark, one first-level heading and headings in order, on every page.
EXTRA_RULES = [
    "skip-link",
    "region",
    "landmark-one-main",
    "landmark-unique",
    "page-has-heading-one",
    "heading-order",
]

_RUN = """async ([tags, extra]) => {
  const rules = Object.fromEntries(extra.map(id => [id, {enabled: true}]));
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags},
                                                 rules, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def enabled() -> bool:
    return os.environ.get("TANDEM_AXE", "1") != "0"


@dataclass
class Findings:
    """What the checks found: the pages checked, the violations, and checks that broke."""

    checked: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Copier:
    """The page the copies are checked in (one per browser), and the copies waiting for it."""

    new_context: Callable[..., Any]
    pages: dict[int, Any] = field(default_factory=dict)
    waiting: list[tuple[Any, str, str, str]] = field(default_factory=list)
    busy: bool = False


FINDINGS = Findings()
_COPIER: _Copier | None = None


def _key(url: str, title: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path.startswith(("/api/", "/static/")):
        return None
    return f"{re.sub(r'/\d+(?=/|$)', '/<n>', parts.path)} | {title}"


def run_at(page: Any, label: str, viewport: dict[str, int], key: str) -> None:
    """Run axe-core on ``page`` at ``viewport`` and record each violation under ``key``."""
    page.set_viewport_size(viewport)
    for violation in page.evaluate(_RUN, [RULE_TAGS, EXTRA_RULES]):
        nodes = "\n      ".join(violation["nodes"])
        FINDINGS.violations.append(
            f"{violation['id']} ({violation['impact']}) on {key} [{label}]: "
            f"{violation['help']}\n      {nodes}"
        )


def check_copy(copy: Any, url: str, html: str, key: str) -> None:
    """Load ``html`` (a page's document, as at ``url``) into ``copy`` and check both widths."""
    html = _SCRIPT.sub("", html)
    # The copy is checked at once: without transitions, every colour is its final one.
    base = f'<base href="{url}"><style>*, *::before, *::after {{ transition: none !important;'
    base += " animation: none !important; }</style>"
    html = _HEAD.sub(lambda m: m.group(0) + base, html, count=1)
    copy.set_viewport_size(DESKTOP)
    copy.set_content(html, wait_until="load")
    copy.add_script_tag(path=str(AXE_SOURCE))
    for label, viewport in WIDTHS:
        run_at(copy, label, viewport, key)


def _copy_page(page: Any) -> Any:
    assert _COPIER is not None
    browser = page.context.browser
    copy = _COPIER.pages.get(id(browser))
    if copy is None or copy.is_closed():
        copy = _COPIER.new_context(browser).new_page()
        _COPIER.pages[id(browser)] = copy
    return copy


# After an htmx swap settles, the page tells the checks what changed (``swapped`` below).
_AFTER_SWAP = """document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail && event.detail.target;
  if (!target || !window.__tandemAxeSwap) return;
  const name = target.id ? "#" + target.id : target.tagName.toLowerCase();
  window.__tandemAxeSwap(name);
});"""


def _on_load(page: Any, swapped: str = "") -> None:
    if _COPIER is None:
        return
    try:
        url, title = page.url, page.title()
        key = _key(url, title)
        if key is None:
            return
        if swapped:  # the same page after an htmx swap: each part that swaps is checked once
            key += f" | after htmx swapped {swapped}"
        if key in FINDINGS.checked:
            return
        html = page.content()
    except Exception:  # the page moved on already: its next document is checked instead
        return
    FINDINGS.checked.add(key)
    _COPIER.waiting.append((page, url, html, key))
    if _COPIER.busy:  # the handler already checking works through the queue
        return
    _COPIER.busy = True
    try:
        while _COPIER.waiting:
            source, url, html, key = _COPIER.waiting.pop(0)
            try:
                check_copy(_copy_page(source), url, html, key)
            except Exception as exc:
                FINDINGS.errors.append(f"axe-core could not check {key}: {exc}")
    finally:
        _COPIER.busy = False


def drain() -> None:
    """Wait until the checks of the pages loaded so far are done (at the end of each test)."""
    if _COPIER is None:
        return
    for _ in range(1000):
        if not _COPIER.busy and not _COPIER.waiting:
            return
        copy = next((p for p in _COPIER.pages.values() if not p.is_closed()), None)
        if copy is None:
            return
        copy.wait_for_timeout(20)  # lets the check in progress go on


def install(patch: Any, browser_class: Any) -> None:
    """Check every page of every context ``browser_class.new_context`` opens from now on."""
    global _COPIER
    original = browser_class.new_context
    _COPIER = _Copier(new_context=original)

    def new_context(self: Any, *args: Any, **kwargs: Any) -> Any:
        context = original(self, *args, **kwargs)
        context.on("page", lambda page: page.on("load", _on_load))
        context.expose_binding(
            "__tandemAxeSwap", lambda source, swapped: _on_load(source["page"], swapped)
        )
        context.add_init_script(_AFTER_SWAP)
        return context

    patch.setattr(browser_class, "new_context", new_context)
