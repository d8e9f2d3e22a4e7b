"""Matching speaks the coordinator's language on its pages, and each partner's in the email."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.matching import services
from tandem.matching.tests.helpers import four_members
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "es",
            {
                "runs": [
                    "Rondas",
                    "Nueva ronda",
                    "Lanzar el emparejamiento",
                    "Lista para revisar",
                ],
                "review": ["Publicar 2 propuestas", "<strong>2</strong> propuestas", "Fijar"],
                "refused": "Esta ronda ya no se puede publicar.",
            },
        ),
        (
            "fr",
            {
                "runs": [
                    "Sessions",
                    "Nouvelle session",
                    "Lancer l\u2019appariement",
                    "Prête à être relue",
                ],
                "review": [
                    "Publier 2 propositions",
                    "<strong>2</strong> propositions",
                    "Verrouiller",
                ],
                "refused": "Cette session ne peut plus être publiée.",
            },
        ),
    ],
)
def test_coordinator_sees_runs_review_and_refusal_in_their_language(client, language, words):
    program = ProgramFactory()
    coordinator = _speaking(CoordinatorFactory(program=program).user, language)
    four_members(program)
    older = services.match_run_start(program=program, created_by=coordinator)
    newer = services.match_run_start(program=program, created_by=coordinator)
    client.force_login(coordinator)

    runs_page = client.get(reverse("matching:runs", args=[program.slug])).text
    for word in words["runs"]:
        assert word in runs_page
    assert "Run matching" not in runs_page and "New run" not in runs_page

    review = client.get(reverse("matching:review", args=[program.slug, older.pk])).text
    for word in words["review"]:
        assert word in review
    assert "Swap two people" not in review and "Publish 2 proposals" not in review

    services.match_run_publish(run_id=newer.pk, actor=coordinator)
    refused = client.get(reverse("matching:review", args=[program.slug, older.pk])).text
    assert words["refused"] in refused
    assert "This run can no longer be published." not in refused


# The worker closes database connections between tasks, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_introduction_email_arrives_in_each_recipients_own_language(mailoutbox):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program).user
    people = four_members(program)
    _speaking(people["Ana"].user, "es")
    _speaking(people["Ben"].user, "fr")
    run = services.match_run_start(program=program, created_by=coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    to = {m.to[0]: m for m in mailoutbox}
    to_ana, to_ben, to_cleo = to["ana@example.org"], to["ben@example.org"], to["cleo@example.org"]
    assert to_ana.subject == f"[Tandem] Conoce a tu compañero en {program.name}"
    assert "Hola, Ana:" in to_ana.body and "Te puede enseñar" in to_ana.body
    assert (
        to_ben.subject == f"[Tandem] Faites connaissance avec votre partenaire dans {program.name}"
    )
    assert "Bonjour Ben," in to_ben.body
    assert "Hello" not in to_ana.body + to_ben.body
    html_ben = to_ben.alternatives[0][0]
    assert "Bonjour Ben," in html_ben and "Hello" not in html_ben
    # Cleo kept the site's language.
    assert to_cleo.subject == f"[Tandem] Meet your partner in {program.name}"
    assert "Hello Cleo," in to_cleo.body
