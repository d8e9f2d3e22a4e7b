"""The language follows the person: their account's choice, else their browser's; emails in
the recipient's language whatever the sender's; the API's refusals in the caller's language."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tandem.accounts.models import User
from tandem.core.emails import email_build
from tandem.programs.models import Program, WaitlistEntry
from tandem.programs.tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def _html_lang(response) -> str:
    return response.text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_reads_the_language_their_browser_asks_for_and_can_switch_it(client):
    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")) == "es"
    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert 'action="/i18n/setlang/"' in page.text  # the switcher in the footer

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accessibility/"})
    assert response.status_code == 302 and response["Location"] == "/accessibility/"
    assert _html_lang(client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="es")) == "fr"


def test_a_person_chooses_a_language_on_the_account_page_and_keeps_it(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "fr"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"
    page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="es")
    assert _html_lang(page) == "fr"
    assert "Enregistré : Tandem vous parle dans cette langue" in page.text
    assert "Enregistrer la langue" in page.text

    client.post(reverse("accounts:language"), {"language": ""})
    user.refresh_from_db()
    assert user.language == ""
    assert _html_lang(client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_a_language_tandem_does_not_ship_is_refused_with_what_to_do(client):
    user = UserFactory(language="es")
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "de"})
    assert response.status_code == 400
    assert "Elige uno de los idiomas ofrecidos" in response.text
    user.refresh_from_db()
    assert user.language == "es"


def test_an_email_is_written_in_the_recipients_language_whatever_the_senders(settings):
    settings.LANGUAGE_CODE = "en"
    UserFactory(email="camille@example.org", language="fr")
    UserFactory(email="lucia@example.org", language="es")
    program = ProgramFactory(name="Mentors du soir")
    context = {"program": program, "confirm_url": "https://x/c", "unsubscribe_url": "https://x/u"}
    with translation.override("es"):  # the sender reads Spanish
        french = email_build(
            "waitlist_confirm", folder="programs/email", to="Camille@Example.org", context=context
        )
    assert french.subject == "Confirmez votre place sur la liste d’attente de Mentors du soir"  # noqa: RUF001
    assert french.body.startswith("Bonjour,")
    assert '<html lang="fr">' in str(french.alternatives[0][0])
    stranger = email_build(
        "waitlist_confirm", folder="programs/email", to="nobody@example.org", context=context
    )
    assert stranger.subject == "Confirm your place on the Mentors du soir waitlist"


def test_the_waitlist_remembers_the_visitors_language_for_its_emails(
    client, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    program = ProgramFactory(name="Pares", status=Program.Status.WAITLIST)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programs:waitlist_signup", args=[program.slug]),
            {"email": "ana@example.org"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert WaitlistEntry.objects.get().language == "es"
    assert mailoutbox[0].subject == "Confirma tu lugar en la lista de espera de Pares"


@pytest.mark.parametrize(
    ("accept", "detail"),
    [
        ("fr-FR,fr;q=0.9", "Authentification requise"),
        ("es", "Se requiere autenticación"),
        ("de", "Authentication required"),
    ],
)
def test_the_api_refuses_in_the_callers_language(client, accept, detail):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(detail)


def test_a_signed_in_callers_api_refusal_follows_their_account_unless_they_ask(client):
    client.force_login(UserFactory(language="fr"))
    assert client.get("/api/v1/partnerships/999999").json()["detail"] == "Introuvable."
    asked = client.get("/api/v1/partnerships/999999", HTTP_ACCEPT_LANGUAGE="es")
    assert asked.json()["detail"] == "No encontrado."


def test_every_shipped_language_is_offered_and_catalogued():
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes == ["en", "es", "fr"]
    assert User._meta.get_field("language").choices == settings.LANGUAGES


def test_the_api_reads_and_sets_the_callers_language_and_names_a_bad_one(client):
    user = UserFactory()
    client.force_login(user)
    response = client.put(
        "/api/v1/me/language", {"language": "es"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"language": "es"}
    assert client.get("/api/v1/me").json()["language"] == "es"
    refused = client.put("/api/v1/me/language", {"language": "xx"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Elige uno de los idiomas ofrecidos, o sigue a tu navegador.",
        "field": "language",
    }
    user.refresh_from_db()
    assert user.language == "es"


@pytest.mark.parametrize(
    ("accept", "lang", "sign_in", "public"),
    [
        (
            "es-ES,es;q=0.9",
            "es",
            ["Iniciar sesión", "Saltar al contenido", "mentoría entre pares"],
            [
                "Avísame cuando se abran las puertas",
                "Te enviamos un enlace para confirmar tu dirección",
                "<dt>Inicio</dt><dd>14 de marzo de 2027</dd>",
            ],
        ),
        (
            "fr-FR,fr;q=0.9",
            "fr",
            ["Connexion", "Mot de passe", "Aller au contenu", "le mentorat entre pairs"],
            [
                "Prévenez-moi quand les portes ouvriront",
                "Nous vous envoyons un lien pour confirmer votre adresse",
                "<dt>Lancement</dt><dd>14 mars 2027</dd>",
            ],
        ),
    ],
)
def test_a_visitor_reads_the_sign_in_and_a_public_program_page_in_their_language(
    client, accept, lang, sign_in, public
):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert page.status_code == 200 and _html_lang(page) == lang
    for sentence in sign_in:
        assert sentence in page.text
    assert "Skip to the content" not in page.text

    program = ProgramFactory(
        name="Pares", status=Program.Status.WAITLIST, kickoff_on=date(2027, 3, 14)
    )
    page = client.get(program.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=accept)
    assert page.status_code == 200 and _html_lang(page) == lang
    for sentence in public:
        assert sentence in page.text
    assert "Tell me when the doors open" not in page.text
    # The footer offers each language in its own name.
    assert '<option value="en" lang="en">English</option>' in page.text


@pytest.mark.parametrize(("accept", "word"), [("es", "Propuestas"), ("fr", "Propositions")])
def test_the_scripts_words_come_in_the_readers_language(client, accept, word):
    page = client.get("/", headers={"accept-language": accept})
    source = re.search(r'<script src="(/jsi18n/[^"]*)"', page.text)
    assert source, "every page loads the JavaScript catalog"
    catalog = client.get(source.group(1), headers={"accept-language": accept})
    assert catalog.status_code == 200
    assert f'"Proposals": "{word}"' in catalog.text  # what gettext("Proposals") answers
