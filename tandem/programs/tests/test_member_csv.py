"""The member CSV's problems in the coordinator's language: the import page in Spanish and French."""

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tandem.interchange.members_csv import MESSAGES, RowError
from tandem.interchange.tests.csv_rows import csv_bytes, row
from tandem.programs.models import Membership
from tandem.programs.services.member_csv import PROBLEMS, problem_localise, problem_text
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db

# One line of each kind of problem: found by the parser (lines 3 to 6) and by the import's own
# checks against the program (line 7). Day names in the file stay English, whatever the
# coordinator reads.
BAD_FILE = csv_bytes(
    row(),
    row(email="bo@example"),
    row(email="ANA@example.org"),
    row(email="cy@example.org", time_zone="Mars/Base", availability="mié 18:00-19:00"),
    row(email="di@example.org", goals="a; b; c; d; e; f"),
    row(email="ed@example.org", offers="x" * 61),
)

EXPECTED = {
    "es": [
        "6 problemas que corregir",
        "«bo@example» no es una dirección de correo válida (se espera algo como ana@example.org).",
        "El correo ana@example.org aparece en la línea 2 y de nuevo en la línea 4; cada "
        "participante debe aparecer una sola vez, así que elimina o combina una de las dos "
        "líneas.",
        "Zona horaria desconocida «Mars/Base»; usa un nombre de zona IANA como Europe/Madrid o "
        "America/New_York.",
        "Franja «mié 18:00-19:00»: día desconocido «mié»; usa Mon, Tue, Wed, Thu, Fri, Sat, Sun.",
        "Hay 6 objetivos; indica como máximo 5, separados por «;».",
        f"«{'x' * 61}» tiene 61 caracteres; cada elemento puede tener como máximo 60. Acórtalo.",
    ],
    "fr": [
        "6 problèmes à corriger",
        "« bo@example » n\u2019est pas une adresse e-mail valide (attendu : quelque chose comme "
        "ana@example.org).",
        "L\u2019adresse e-mail ana@example.org apparaît à la ligne 2 et de nouveau à la ligne 4 ; "
        "chaque membre ne doit apparaître qu\u2019une fois, supprimez ou fusionnez donc l\u2019une des "
        "deux lignes.",
        "Fuseau horaire inconnu « Mars/Base » ; utilisez un nom de fuseau IANA comme "
        "Europe/Madrid ou America/New_York.",
        "Créneau « mié 18:00-19:00 » : jour inconnu « mié » ; utilisez Mon, Tue, Wed, Thu, Fri, "
        "Sat, Sun.",
        "Il y a 6 objectifs ; indiquez-en 5 au plus, séparés par « ; ».",
        f"« {'x' * 61} » compte 61 caractères ; un élément peut en compter 60 au plus. "
        "Raccourcissez-le.",
    ],
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_bad_file_lists_what_to_fix_on_each_line_in_the_coordinators_language(client, language):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program, user__language=language).user
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:import", args=[program.slug]),
        {"file": SimpleUploadedFile("members.csv", BAD_FILE, "text/csv")},
    )
    assert response.status_code == 200
    page = response.text
    for message in EXPECTED[language]:
        assert escape(message, quote=False) in page, message
    for line in (3, 4, 5, 6, 7):
        assert f"<td>{line}</td>" in page
    assert "is not a valid email address" not in page
    assert "unknown day" not in page and "Shorten it" not in page
    assert not Membership.objects.filter(program=program, role=Membership.Role.MEMBER).exists()


def test_every_problem_the_parser_can_find_has_words_in_the_catalog():
    assert set(MESSAGES) <= set(PROBLEMS)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The file is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MB)."),
        (
            "es",
            "El archivo ocupa 10\xa0485\xa0761 bytes; el límite es de 10\xa0485\xa0760 bytes (10 MB).",
        ),
        (
            "fr",
            "Le fichier fait 10\xa0485\xa0761 octets ; la limite est de 10\xa0485\xa0760 octets "
            "(10 Mo).",
        ),
    ],
)
def test_counts_are_written_the_languages_way_and_pick_the_plural(language, expected):
    with translation.override(language):
        text = problem_text("too_large", {"size": 10 * 1024 * 1024 + 1, "limit": 10485760})
    assert text.startswith(expected)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "A la fila de encabezados le falta la columna email. Añádela"),
        (2, "A la fila de encabezados le faltan las columnas email, name. Añádelas"),
    ],
)
def test_one_missing_column_is_singular_and_more_are_plural(count, expected):
    columns = ", ".join(["email", "name"][:count])
    error = RowError(1, "", "(English)", "missing_columns", {"columns": columns, "count": count})
    with translation.override("es"):
        assert problem_localise(error).message.startswith(expected)
