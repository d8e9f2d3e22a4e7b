"""The member's journey in Spanish and in French, in a real browser, from the public page on.

A visitor whose browser asks for Spanish (or French) reads the public page, joins the
waitlist and confirms; the coordinator, who reads English, opens the doors; the visitor's
invitation comes in their language; they create an account, fill the intake (a refusal says
what to fix in their language) and read what happens next; once matched, they book a meeting
with a partner who reads the other language. Screenshots of three pages in each language are
saved (``make screenshots`` puts them in ``docs/screenshots/`` for the README).
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from typing import cast

import pytest
from django.core import mail
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.meetings.tests.factories import partnership_make
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ProgramFactory,
    UserFactory,
)
from tests.browser.helpers import (
    cell,
    failure_shots,
    link_in_last_email,
    run_worker,
    shot,
    sign_in,
    sign_in_as,
    watch_for_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "circulo"

# What each language says at each step, as a reader sees it (the catalogs are not consulted:
# a missing translation would show English and fail here).
SAYS = {
    "es": {
        "locale": "es-ES",
        "doors": "Avísame cuando se abran las puertas",
        "email": "Tu correo",
        "answer": "Gracias. Revisa tu bandeja de entrada",
        "confirm": "Confirmar mi lugar",
        "on_list": "Gracias, estás en la lista de espera",
        "join": "Unirte a Círculo de pares",
        "create": "Crea tu cuenta",
        "intake": "Cuéntanos tus objetivos",
        "name": "Nombre que verá tu compañero o compañera",
        "consent": "Acepto las normas de confidencialidad del programa",
        "save": "Guardar mi cuestionario",
        "name_missing": "Dinos el nombre con el que debe llamarte tu compañero o compañera.",
        "next": "Qué pasa ahora",
        "kickoff": "antes del inicio, el miércoles 3 de febrero de 2027",
        "monday": "lun 18:00-19:00",
        "kickoff_day": "3 de febrero de 2027",
        "propose": "Proponer esta franja",
        "proposed": "Propuesta enviada. Se reserva cuando tu compañero o compañera acepte.",
        "slot": "a las 18:00 para",
        "proposals": "Propuestas",
    },
    "fr": {
        "locale": "fr-FR",
        "doors": "Prévenez-moi quand les portes ouvriront",
        "email": "Votre e-mail",
        "answer": "Merci. Consultez votre boîte de réception",
        "confirm": "Confirmer ma place",
        "on_list": "Merci, vous êtes sur la liste d\u2019attente",
        "join": "Rejoindre Círculo de pares",
        "create": "Créez votre compte",
        "intake": "Parlez-nous de vos objectifs",
        "name": "Nom à montrer à votre partenaire",
        "consent": "J'accepte les règles de confidentialité du programme",
        "save": "Enregistrer mon questionnaire",
        "name_missing": "Indiquez le nom par lequel votre partenaire doit vous appeler.",
        "next": "Et maintenant",
        "kickoff": "avant le lancement du mercredi 3 février 2027",
        "monday": "lun 18:00-19:00",
        "kickoff_day": "3 février 2027",
        "propose": "Proposer ce créneau",
        "proposed": "Proposition envoyée. Les rencontres sont réservées dès que votre partenaire accepte.",
        "slot": "à 18:00 pour",
        "proposals": "Propositions",
    },
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_member_goes_from_the_public_page_to_booking_a_meeting_in_their_language(
    language, live_server, browser, settings
):
    says = SAYS[language]
    settings.SITE_URL = live_server.url
    base = live_server.url
    program = cast(
        Program,
        ProgramFactory(
            name="Círculo de pares",
            slug=SLUG,
            status=Program.Status.WAITLIST,
            kickoff_on=date(2027, 2, 3),
            cadence_weeks=1,
            meeting_minutes=60,
        ),
    )
    CoordinatorFactory(program=program, user=UserFactory(email="cora@example.org"))
    visitor = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=says["locale"], timezone_id="Europe/Madrid"
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page, coordinator_page = visitor.new_page(), desk.new_page()
    problems = watch_for_problems(page)
    failures = {
        f"{language}-member-failure.png": page,
        f"{language}-desk-failure.png": coordinator_page,
    }
    with closing(visitor), closing(desk), failure_shots(failures):
        # The public page follows the browser's language; the waitlist remembers it.
        page.goto(f"{base}/p/{SLUG}/")
        expect(page.get_by_role("heading", name=says["doors"])).to_be_visible()
        expect(page.get_by_text(says["kickoff_day"])).to_be_visible()
        page.get_by_label(says["email"]).fill("ada@example.org")
        shot(page, f"program-public-{language}-phone.png")
        page.get_by_role("button", name=says["doors"]).click()
        expect(page.get_by_role("status")).to_contain_text(says["answer"])
        run_worker()
        page.goto(link_in_last_email("ada@example.org", r"https?://\S+/waitlist/confirm/\S+/"))
        page.get_by_role("button", name=says["confirm"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(says["on_list"])

        # The coordinator reads English and opens the doors; Ada's invitation is in her words.
        sign_in(coordinator_page, base, "cora@example.org")
        coordinator_page.goto(f"{base}/p/{SLUG}/manage/")
        coordinator_page.get_by_role("link", name="Waitlist").click()
        coordinator_page.get_by_role("button", name="Open the doors").click()
        expect(coordinator_page.get_by_role("status")).to_contain_text("The doors are open")
        run_worker()
        invitation = next(m for m in reversed(mail.outbox) if m.to == ["ada@example.org"])
        assert "Círculo de pares" in invitation.subject
        assert "Hello" not in invitation.body
        page.goto(link_in_last_email("ada@example.org", r"https?://\S+/p/invitation/\S+/"))
        expect(page.get_by_role("heading", name=says["join"])).to_be_visible()
        page.get_by_role("button", name=says["create"]).click()
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.get_by_role("button", name=says["join"]).click()

        # The intake: a refusal names what to fix, in Ada's language, and keeps her answers.
        expect(page.get_by_role("heading", name=says["intake"])).to_be_visible()
        page.get_by_label(says["name"]).fill("")
        cell(page, 0, 1080).click()
        cell(page, 0, 1110).click()
        page.get_by_label(says["consent"]).check()
        # The browser would refuse an empty name itself; the server must say it too.
        page.locator("#id_display_name").evaluate("e => e.removeAttribute('required')")
        page.get_by_role("button", name=says["save"]).click()
        expect(page.get_by_text(says["name_missing"])).to_be_visible()
        expect(page.locator('input[name="availability"][value="0-1110"]')).to_be_checked()
        page.get_by_label(says["name"]).fill("Ada")
        page.get_by_label(says["consent"]).check()
        shot(page, f"intake-{language}-phone.png")
        page.get_by_role("button", name=says["save"]).click()
        expect(page.get_by_role("heading", name=says["next"])).to_be_visible()
        expect(page.get_by_text(says["kickoff"])).to_be_visible()
        expect(page.get_by_text(says["monday"])).to_be_visible()
        # The scripts read their words from Django's JavaScript catalog, in Ada's language.
        page.wait_for_function("() => typeof window.gettext === 'function'")
        assert page.evaluate("() => window.gettext('Proposals')") == says["proposals"]
        ada = User.objects.get(email="ada@example.org")
        assert ada.language == language
        assert Membership.objects.get(user=ada).status == Membership.Status.READY

        # Matched with Ben, who reads English: Ada proposes their first meeting in her words.
        partnership, (_ben,) = partnership_make(
            people=[("Ben", "America/New_York")],
            availability=[[[0, 12 * 60, 13 * 60]]],  # Monday 12:00 in New York: 18:00 for Ada
            program=program,
        )
        Program.objects.filter(pk=program.pk).update(status=Program.Status.RUNNING)
        seat = partnership.seats.create(membership=Membership.objects.get(user=ada))
        Membership.objects.filter(user=ada).update(status=Membership.Status.MATCHED)
        sign_in_as(page, live_server, ada)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/meetings/partnership/{partnership.pk}/")
        first_slot = page.locator("ul.slots li").first
        expect(first_slot).to_contain_text(says["slot"])
        shot(page, f"schedule-{language}.png")
        first_slot.get_by_role("button", name=says["propose"]).click()
        expect(page.get_by_text(says["proposed"])).to_be_visible()
        assert seat.partnership_id == partnership.pk
    assert problems == []
