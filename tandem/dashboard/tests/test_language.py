"""The cockpit, the dashboard, the member home and the stalled email speak their reader's
language: the one chosen on the account, whoever triggered the email."""

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.core.nudges import iso_week
from tandem.dashboard.tasks import stalled_nudge_email_send
from tandem.dashboard.tests.builders import program_populate
from tandem.dashboard.tests.factories import StalledNudgeFactory
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import WaitlistEntry
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

SPANISH, FRENCH = "es", "fr"
COCKPIT = {
    SPANISH: ("Siguiente paso", "3 personas en la lista de espera: abre las puertas"),
    FRENCH: ("Prochaine étape", "3 personnes sur la liste d\u2019attente : ouvrez les portes"),
}
DASHBOARD = {
    SPANISH: (
        "Salud del programa",
        "Enviar un recordatorio a las 2 parejas estancadas",
        "solo cifras: la coordinación ve que hay reuniones, nunca lo que se dice.",
    ),
    FRENCH: (
        "Santé du programme",
        "Relancer les 2 binômes au point mort",
        "chiffres uniquement : l'équipe de coordination voit que les rencontres ont lieu",
    ),
}
MEMBER_HOME = {
    SPANISH: (
        "Todavía no tienes pareja. Te escribiremos por correo en cuanto la tengas.",
        "Cada 2 semanas, durante 45 minutos, en parejas.",
    ),
    FRENCH: (
        "Vous n'avez pas encore été apparié. Nous vous écrirons par e-mail dès que ce sera",
        "Toutes les 2 semaines, pendant 45 minutes, en binômes.",
    ),
}


def coordinator_in(program, language):
    user = CoordinatorFactory(program=program).user
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize("language", [SPANISH, FRENCH])
def test_a_coordinator_reads_the_cockpit_in_their_language(client, language):
    program = ProgramFactory(status="waitlist")
    for _ in range(3):
        WaitlistEntryFactory(program=program, status=WaitlistEntry.Status.CONFIRMED)
    client.force_login(coordinator_in(program, language))
    page = client.get(reverse("dashboard:cockpit", args=[program.slug])).text
    for sentence in COCKPIT[language]:
        assert sentence in page
    assert "Next step" not in page


@pytest.mark.parametrize("language", [SPANISH, FRENCH])
def test_a_coordinator_reads_the_dashboard_in_their_language(client, language):
    program = ProgramFactory(status="running")
    program_populate(program, members=8)  # four pairs, two of them stalled
    client.force_login(coordinator_in(program, language))
    page = client.get(reverse("dashboard:program", args=[program.slug])).text
    for sentence in DASHBOARD[language]:
        assert sentence in page
    assert "Program health" not in page


@pytest.mark.parametrize("language", [SPANISH, FRENCH])
def test_a_member_reads_their_home_in_their_language(client, language):
    program = ProgramFactory(
        status="intake_open", cadence_weeks=2, meeting_minutes=45, format="pairs"
    )
    member = MembershipFactory(program=program).user
    member.language = language
    member.save(update_fields=["language"])
    client.force_login(member)
    page = client.get(reverse("dashboard:member_home", args=[program.slug])).text
    for sentence in MEMBER_HOME[language]:
        assert sentence in page
    assert "How we meet" not in page


def test_the_stalled_email_reaches_each_partner_in_their_own_language(mailoutbox):
    program = ProgramFactory(status="running", name="Peers")
    partnership, people = partnership_of(program, "Ana", "Ben")
    for name, language in (("Ana", SPANISH), ("Ben", FRENCH)):
        people[name].user.language = language
        people[name].user.save(update_fields=["language"])
    nudge = StalledNudgeFactory(partnership=partnership, week=iso_week(clock.now()))

    assert stalled_nudge_email_send.call(nudge_id=nudge.pk) == 2

    by_recipient = {message.to[0]: message for message in mailoutbox}
    spanish = by_recipient[people["Ana"].user.email]
    assert spanish.subject == "[Tandem] Peers: ¿es hora de volver a reuniros?"
    assert "Hace tiempo que tú y Ben no os reunís en Peers." in spanish.body
    french = by_recipient[people["Ben"].user.email]
    assert french.subject == "[Tandem] Peers : et si vous vous rencontriez à nouveau ?"
    assert "Cela fait un moment que vous et Ana ne vous êtes pas rencontrés" in french.body


def test_the_partnership_list_and_the_export_follow_the_coordinators_language(client):
    program = ProgramFactory(status="running")
    program_populate(program, members=4)
    client.force_login(coordinator_in(program, SPANISH))
    page = client.get(reverse("dashboard:partnership_list", args=[program.slug])).text
    assert "Sin reunión en 4 semanas" in page
    assert "No meeting in" not in page
    export = client.get(reverse("dashboard:export", args=[program.slug])).text
    assert export.splitlines()[0] == "sección,cifra,valor"
    assert "Reuniones,Celebradas,2" in export


AUDIT = {
    SPANISH: ("Datos exportados", "Exportación", "Cifras del panel (CSV)", "Programa cambiado"),
    FRENCH: (
        "Données exportées",
        "Export",
        "Chiffres du tableau de bord (CSV)",
        "Programme modifié",
    ),
}


@pytest.mark.parametrize("language", [SPANISH, FRENCH])
def test_the_audit_log_names_actions_and_exports_in_the_coordinators_language(client, language):
    from tandem.core.audit import audit_record
    from tandem.core.models import AuditEvent

    program = ProgramFactory()
    user = coordinator_in(program, language)
    client.force_login(user)
    client.get(reverse("dashboard:export", args=[program.slug]))
    audit_record(
        action=AuditEvent.Action.PROGRAM_CHANGED,
        actor=user,
        program=program,
        after={"events": ["member.joined", "partnership.ended"]},
    )
    page = client.get(reverse("audit:log", args=[program.slug])).content.decode()
    exported, key, kind, changed = AUDIT[language]
    assert exported in page and kind in page and changed in page
    assert f"{key}" in page and "dashboard_figures" not in page
    # A list is shown as its items, not as Python's brackets.
    assert "member.joined, partnership.ended" in page
