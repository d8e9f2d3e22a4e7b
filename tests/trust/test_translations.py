"""Every shipped language is whole, and the translated templates keep no English outside tags.

Three checks, derived from the files themselves (docs/translating.md):

- each catalog of ``settings.LANGUAGES`` (but English) has every entry translated and none
  fuzzy, and GNU gettext's ``msgfmt --check`` accepts it (placeholders, plural forms);
- each template under the translated parts of Tandem has no letters left once translation
  tags, HTML tags, comments, entities, ``<style>`` and ``<script>`` are taken away, and no
  untranslated ``alt``, ``title``, ``placeholder`` or ``aria-label``;
- the templates not translated yet are listed in :data:`NOT_YET_TRANSLATED`, and that list may
  only shrink: an entry that no longer matches a template with English text must go.
"""

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
TEMPLATE_ROOTS = [ROOT / "templates", *sorted((ROOT / "tandem").glob("*/templates"))]

# Templates still in English only, by path prefix from the repository's root; other work is
# changing them. Translate one, then take its entry out: the list may only shrink. Every
# template is translated now; a new one must be too.
NOT_YET_TRANSLATED: tuple[str, ...] = ()

# Words that stay as they are in every language: the name, and Pico's styling hook for
# breadcrumbs (``nav[aria-label=breadcrumb]``), which its CSS matches letter for letter.
KEPT_WORDS = {"Tandem", "breadcrumb"}
CHECKED_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
# Blocks whose inside is translated already, or never shown.
SKIPPED_BLOCKS = ("blocktranslate", "blocktrans", "comment", "verbatim")
MARK = "\x00"  # stands for a template tag or variable: no letters, no HTML


# --- the catalogs ---------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgstrs: list[str]
    fuzzy: bool
    context: str = ""


def po_entries(path: Path) -> list[Entry]:
    """Return the entries of a .po file (not its header, not obsolete ``#~`` ones)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith(("msgid", "msgstr", "msgctxt")):
                current, _, literal = line.partition(" ")
                fields[current] = ast.literal_eval(literal)
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            strs = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], strs, fuzzy, fields.get("msgctxt", "")))
    return entries


DOMAINS = ("django", "djangojs")  # the pages' and emails' words; the scripts' words


def shipped_catalogs(domain: str = "django") -> list[Path]:
    return [
        LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


EVERY_CATALOG = [path for domain in DOMAINS for path in shipped_catalogs(domain)]


def catalog_id(path: Path) -> str:
    return f"{path.parts[-3]}-{path.stem}"


def test_every_shipped_language_has_a_catalog():
    assert shipped_catalogs(), "settings.LANGUAGES names no language besides English"
    for path in EVERY_CATALOG:
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run make messages"


@pytest.mark.parametrize("path", EVERY_CATALOG, ids=catalog_id)
def test_every_entry_of_a_catalog_is_translated_and_none_is_fuzzy(path):
    entries = po_entries(path)
    assert len(entries) > (100 if path.stem == "django" else 1), f"{path} looks truncated"
    untranslated = [e.msgid for e in entries if e.fuzzy or not all(e.msgstrs)]
    assert untranslated == [], f"translate these in {path.relative_to(ROOT)}: {untranslated}"


def test_every_sentence_marked_in_the_code_is_in_the_catalogs(tmp_path):
    """A sentence marked for translation but missing from the catalogs shows in English.

    ``make messages`` is run on a copy of the code, as the Makefile runs it; every entry it
    finds must be in the committed catalogs already.
    """
    skip = shutil.ignore_patterns("__pycache__", "*.mo", "tests")
    for part in ("tandem", "templates", "config", "locale", "static"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=skip)
    shutil.copy(ROOT / "manage.py", tmp_path)
    missing = []
    for domain in DOMAINS:
        catalog = shipped_catalogs(domain)[0]
        code = catalog.parts[-3]
        command = [sys.executable, "manage.py", "makemessages", "-d", domain, "-l", code]
        result = subprocess.run(  # noqa: S603 - Django's own makemessages on a copy of our code
            [*command, "--add-location", "file"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        found = po_entries(tmp_path / "locale" / code / "LC_MESSAGES" / f"{domain}.po")
        committed = {(e.context, e.msgid) for e in po_entries(catalog)}
        missing += [f"{domain}: {e.msgid}" for e in found if (e.context, e.msgid) not in committed]
    assert missing == [], f"run make messages, then translate these: {missing}"


@pytest.mark.parametrize("path", EVERY_CATALOG, ids=catalog_id)
def test_msgfmt_accepts_each_catalog(path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "Tandem compiles its translations with GNU gettext (apt-get install gettext)"
    result = subprocess.run(  # noqa: S603 - our own msgfmt on our own catalog
        [msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- the templates --------------------------------------------------------------------------


def visible_english(source: str) -> list[str]:
    """Return the bits of ``source`` a reader would see untranslated (empty when all is well).

    Django's lexer splits the template; text inside ``blocktranslate``, ``comment`` and
    ``verbatim`` is left out and every tag or variable becomes a mark, so what is left is the
    HTML a translator never sees. Its checked attributes and its text outside tags, comments,
    entities, styles and scripts must have no letters (but :data:`KEPT_WORDS`).
    """
    kept = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        content = token.contents.strip()
        word = content.split(" ", 1)[0] if content else ""
        if skip_until is not None:
            if token.token_type == TokenType.BLOCK and word == skip_until:
                skip_until = None
                kept.append(MARK)
            continue
        if token.token_type == TokenType.TEXT:
            kept.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK and word in SKIPPED_BLOCKS:
            skip_until = "end" + word
        kept.append(MARK)
    html = "".join(kept)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    html = re.sub(r"<(style|script)\b.*?</\1\s*>", "", html, flags=re.S | re.I)
    found = []
    attributes = "|".join(CHECKED_ATTRIBUTES)
    for match in re.finditer(rf"""\b({attributes})\s*=\s*(["'])(.*?)\2""", html, flags=re.S):
        found += _letters(match.group(3))
    text = re.sub(r"<[^>]*>", " ", html)
    text = re.sub(r"&[#a-zA-Z0-9]+;", " ", text)
    return found + _letters(text)


def _letters(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_][^\s\x00<>]*", text.replace(MARK, " "))
    return [w for w in words if w.strip(".,:;!?()[]«»“”\"'") not in KEPT_WORDS]


@dataclass(frozen=True)
class Template:
    path: Path

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def not_yet(self) -> bool:
        return self.name.startswith(NOT_YET_TRANSLATED)


def all_templates() -> list[Template]:
    return [
        Template(path)
        for root in TEMPLATE_ROOTS
        for path in sorted(root.rglob("*"))
        if path.suffix in (".html", ".txt") and path.is_file()
    ]


def test_translated_templates_have_no_english_outside_translation_tags():
    leftovers = {
        t.name: english
        for t in all_templates()
        if not t.not_yet and (english := visible_english(t.path.read_text(encoding="utf-8")))
    }
    assert leftovers == {}, "wrap these words in {% translate %} (docs/translating.md)"


def test_the_not_yet_translated_list_only_shrinks():
    """Each entry still names a template with English in it; a translated one leaves the list."""
    templates = all_templates()
    stale = [
        prefix
        for prefix in NOT_YET_TRANSLATED
        if not any(
            t.name.startswith(prefix) and visible_english(t.path.read_text(encoding="utf-8"))
            for t in templates
        )
    ]
    assert stale == [], "these are translated now: take them out of NOT_YET_TRANSLATED"


# --- the checker itself ---------------------------------------------------------------------


def test_the_checker_finds_a_raw_english_sentence():
    assert visible_english("<p>Welcome back, friend.</p>") == ["Welcome", "back,", "friend."]


def test_the_checker_finds_an_untranslated_label_attribute():
    source = '{% load i18n %}<nav aria-label="Help pages"><img alt="{{ x }}" src="a.png"></nav>'
    assert visible_english(source) == ["Help", "pages"]


def test_the_checker_accepts_translated_text_tags_and_kept_words():
    source = """{% load i18n %}<!doctype html>
<html lang="{{ LANGUAGE_CODE }}"><head><style>main { color: red; }</style></head>
<body class="page"><!-- a note for developers -->
{% comment %}Explained here, in English.{% endcomment %}
<h1 title="{% translate 'Home' %}">{% translate "Welcome" %}</h1>
<p>{% blocktranslate count n=items|length %}One item{% plural %}{{ n }} items{% endblocktranslate %}</p>
<p>{{ user.name|default:"nobody" }} &middot; 3 &mdash; <strong>Tandem</strong></p>
</body></html>"""
    assert visible_english(source) == []
