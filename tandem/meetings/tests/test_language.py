"""Meetings speak each partner's language: pages, emails and the dates and times in them."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.meetings import emails, services
from tandem.meetings.models import Delivery
from tandem.meetings.tests.factories import MeetingFactory, partnership_make

MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)
PAIR = [("Ana", "Europe/Madrid"), ("Ben", "America/New_York")]


def _speak(seat, language):
    user = seat.membership.user
    user.language = language
    user.save(update_fields=["language"])


@pytest.mark.django_db
def test_a_proposal_reaches_each_partner_in_their_own_language_with_their_own_dates():
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make(people=PAIR)
        _speak(ana, "es")
        _speak(ben, "fr")
        # Ana, who reads Tandem in Spanish, proposes Wednesdays 18:00 in Madrid.
        series = services.series_propose(
            partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
            time_zone="Europe/Madrid",
        )  # fmt: skip
        to_ben = emails.schedule_notice_email_build(
            kind="series_proposed", subject=series, seat=ben
        )
        to_ana = emails.schedule_notice_email_build(
            kind="series_proposed", subject=series, seat=ana
        )

    # Ben reads French: his own time first (12:00 in New York), weekday and month in French.
    assert (
        to_ben.subject
        == f"[Tandem] Ana propose un horaire de rencontre pour {partnership.program.name}"
    )
    assert "Bonjour Ben," in to_ben.body
    assert (
        "Le mercredi à 12:00 pour Ben (America/New_York) · 18:00 pour Ana (Europe/Madrid)"
        in to_ben.body
    )
    assert "toutes les" not in to_ben.body and "chaque semaine" in to_ben.body
    assert "à partir du 13 janvier 2027" in to_ben.body
    assert "Wednesdays" not in to_ben.body and "Hello" not in to_ben.body
    # The same proposal, built for Ana, is in Spanish.
    assert "Los miércoles a las 18:00 para Ana (Europe/Madrid)" in to_ana.body
    assert "desde el 13 de enero de 2027" in to_ana.body


@pytest.mark.django_db
def test_a_reminder_and_a_cancellation_are_written_in_the_recipients_language():
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make(people=PAIR)
        _speak(ben, "fr")
        meeting = MeetingFactory(
            partnership=partnership, original_start=datetime(2027, 1, 13, 17, tzinfo=UTC)
        )
        reminder = emails.meeting_email_build(
            meeting=meeting, seat=ben, kind=Delivery.Kind.REMINDER_24H
        )
        services.meeting_cancel(meeting=meeting, seat=ana, reason="")
        meeting.refresh_from_db()
        cancelled = emails.schedule_notice_email_build(
            kind="meeting_cancelled", subject=meeting, seat=ben
        )
        to_ana = emails.schedule_notice_email_build(
            kind="meeting_cancelled", subject=meeting, seat=ana
        )

    assert reminder.subject == f"[Tandem] Demain : votre rencontre {partnership.program.name}"
    assert "mer 13 jan. à 12:00 pour Ben" in reminder.body
    assert "(60 minutes)" in reminder.body
    assert cancelled.subject.endswith("du mercredi 13 janvier")
    assert "Ana a annulé cette rencontre" in cancelled.body
    # Ana chose no language: she reads the site's, English.
    assert "Ana cancelled this meeting:" in to_ana.body
    assert "Wed 13 Jan 18:00 for Ana (Europe/Madrid)" in to_ana.body


@pytest.mark.django_db
def test_the_schedule_page_and_a_refusal_read_in_the_members_language(client):
    with clock.frozen(MONDAY):
        partnership, (ana, _ben) = partnership_make(people=PAIR)
        _speak(ana, "es")
        client.force_login(ana.membership.user)
        url = reverse("meetings:schedule", kwargs={"pk": partnership.pk})
        page = client.get(url).content.decode()
        refused = client.post(
            reverse("meetings:series_propose", kwargs={"pk": partnership.pk}),
            {"starts_on": "2027-01-04", "start_time": "18:00", "time_zone": "Europe/Madrid"},
        ).content.decode()

    assert "Próximas reuniones" in page and "Franjas sugeridas" in page
    assert "Los miércoles a las" in page  # a suggested slot, in Ana's words
    assert "Next meetings" not in page
    assert "Elige una primera reunión en el futuro." in refused


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "people", "proposed", "waiting"),
    [
        (
            "es",
            PAIR,
            "Propuesta enviada. Se reserva cuando tu compañero o compañera acepte.",
            "Propusiste este horario. Esperando a tu compañero o compañera.",
        ),
        (
            "fr",
            [*PAIR, ("Chen", "Asia/Singapore")],
            "Proposition envoyée. Les rencontres sont réservées dès que vos partenaires acceptent.",
            "Vous avez proposé cet horaire. En attente de vos partenaires.",
        ),
    ],
)
def test_a_proposer_reads_who_is_left_to_accept_in_their_language(
    client, language, people, proposed, waiting
):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make(people=people)
        _speak(seats[0], language)
        client.force_login(seats[0].membership.user)
        page = client.post(
            reverse("meetings:series_propose", kwargs={"pk": partnership.pk}),
            {"starts_on": "2027-01-13", "start_time": "18:00", "time_zone": "Europe/Madrid"},
            follow=True,
        ).content.decode()
    assert proposed in page
    assert waiting in page


@pytest.mark.django_db
def test_my_meetings_names_a_waiting_proposal_in_the_members_language(client):
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make(people=PAIR)
        _speak(ben, "fr")
        services.series_propose(
            partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
            time_zone="Europe/Madrid",
        )  # fmt: skip
        client.force_login(ben.membership.user)
        page = client.get(reverse("meetings:list")).content.decode()
    schedule = reverse("meetings:schedule", kwargs={"pk": partnership.pk})
    assert (
        f"Ana a proposé un horaire de rencontre dans {partnership.program.name} ; il attend votre "
        f'réponse. <a href="{schedule}">L\u2019accepter ou le refuser</a>'
    ) in page
