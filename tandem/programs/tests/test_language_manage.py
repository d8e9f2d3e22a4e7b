"""A coordinator reads the program's settings, roster and member import in their language."""

from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.interchange.tests.csv_rows import csv_bytes, row
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

# What each language shows, word for word from its catalog.
WORDS: dict[str, dict[str, Any]] = {
    "es": {
        "settings": ["Sobre el programa", "Fechas clave", "Guardar los ajustes", "Coordinación"],
        "choices": ["Borrador", "Inscripción abierta"],
        "name_refused": "Ponle un nombre al programa.",
        "last_refused": "Un programa necesita al menos una persona que lo coordine",
        "roster": ["Personas en Spanish for skiers", "1 participante ·", "Filtrar por estado"],
        "import": ["Importar participantes", "Archivo CSV de participantes", "Vista previa"],
        "preview": ["Todavía no se ha guardado nada.", "1 problema que corregir", "Qué corregir"],
        "no_file": "Elige el archivo CSV que quieres importar y pulsa Vista previa.",
    },
    "fr": {
        "settings": [
            "À propos du programme",
            "Dates clés",
            "Enregistrer les réglages",
            "Équipe de coordination",
        ],
        "choices": ["Brouillon", "Inscriptions ouvertes"],
        "name_refused": "Donnez un nom au programme.",
        "last_refused": "Un programme a besoin d'au moins un coordinateur",
        "roster": ["Les personnes de Spanish for skiers", "1 membre ·", "Filtrer par statut"],
        "import": ["Importer des membres", "Fichier CSV des membres", "Aperçu"],
        "preview": ["Rien n'a encore été enregistré.", "1 problème à corriger", "Ce qu'il faut"],
        "no_file": "Choisissez le fichier CSV à importer, puis appuyez sur Aperçu.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", sorted(WORDS))


@pytest.fixture
def program():
    return ProgramFactory(name="Spanish for skiers", slug="spanish", status=Program.Status.DRAFT)


def coordinator_in(program: Program, language: str):
    user = CoordinatorFactory(program=program).user
    user.language = language
    user.save(update_fields=["language"])
    return user


def page(response) -> str:
    return unescape(response.content.decode())


@LANGUAGES
def test_coordinator_reads_the_settings_page_and_its_refusals_in_their_language(
    client, program, language
):
    client.force_login(coordinator_in(program, language))
    url = reverse("programs:manage", args=[program.slug])
    text = page(client.get(url))
    for words in WORDS[language]["settings"] + WORDS[language]["choices"]:
        assert words in text
    assert "Save settings" not in text and "Key dates" not in text

    data = {
        "name": "",
        "slug": program.slug,
        "status": program.status,
        "cadence_weeks": program.cadence_weeks,
        "meeting_minutes": program.meeting_minutes,
        "format": program.format,
        "circle_size_min": program.circle_size_min,
        "circle_size_max": program.circle_size_max,
        "both_gain": program.both_gain,
        "cooling_off_days": program.cooling_off_days,
    }
    refused = client.post(url, data)
    assert WORDS[language]["name_refused"] in page(refused)


@LANGUAGES
def test_last_coordinator_is_refused_in_their_language(client, program, language):
    user = coordinator_in(program, language)
    membership = Membership.objects.get(user=user, program=program)
    client.force_login(user)
    response = client.post(
        reverse("programs:coordinator_remove", args=[program.slug, membership.pk]), follow=True
    )
    assert WORDS[language]["last_refused"] in page(response)
    membership.refresh_from_db()
    assert membership.is_coordinator


@LANGUAGES
def test_coordinator_reads_the_roster_in_their_language(client, program, language):
    client.force_login(coordinator_in(program, language))
    MembershipFactory(program=program)
    text = page(client.get(reverse("programs:roster", args=[program.slug])))
    for words in WORDS[language]["roster"]:
        assert words in text
    assert "People in" not in text


@LANGUAGES
def test_coordinator_reads_the_import_and_its_preview_in_their_language(client, program, language):
    client.force_login(coordinator_in(program, language))
    url = reverse("programs:import", args=[program.slug])
    for words in WORDS[language]["import"]:
        assert words in page(client.get(url))

    assert WORDS[language]["no_file"] in page(client.post(url, {}))

    bad = csv_bytes(row(email="not-an-address"))
    preview = page(client.post(url, {"file": SimpleUploadedFile("m.csv", bad, "text/csv")}))
    for words in WORDS[language]["preview"]:
        assert words in preview
    assert "Nothing has been saved yet." not in preview
