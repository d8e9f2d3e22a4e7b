"""A member's own data: the download (/me/data/) and deleting the account (/me/delete/).

Every model an app declares (tandem/<app>/privacy.py) has a row about the person in the world
below; the download must show it and the erasure must delete it or keep it pseudonymised.
"""

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import connection, models
from django.test import Client

from tandem.accounts.models import User
from tandem.announcements.tests.factories import (
    AnnouncementDeliveryFactory,
    AnnouncementFactory,
    AnnouncementOptOutFactory,
    IntakeReminderFactory,
)
from tandem.core import clock
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.core.personal_data import Erase, Person
from tandem.dashboard.tests.factories import StalledNudgeFactory
from tandem.goals.tests.factories import (
    AnswerFactory,
    GoalCommentFactory,
    IncentiveEarnedFactory,
    NudgeFactory,
    ProgressUpdateFactory,
    PulseFactory,
    SurveyInvitationFactory,
    SurveyResponseFactory,
)
from tandem.matching.models import MatchRule
from tandem.matching.tests.factories import (
    LeftOutMemberFactory,
    MatchRuleFactory,
    UnmatchedMemberFactory,
)
from tandem.meetings import services as meetings
from tandem.meetings.models import Delivery, Note, ScheduleNotice
from tandem.meetings.selectors.access import seat_name
from tandem.meetings.tests.factories import (
    DeliveryFactory,
    MeetingFactory,
    ScheduleNoticeFactory,
    TurnFactory,
)
from tandem.partnerships.models import ClosingChoice, ExitSurvey
from tandem.partnerships.tests.factories import (
    DigestSentFactory,
    PartnershipEventFactory,
    RematchRequestFactory,
)
from tandem.privacy import services as services_data
from tandem.privacy.declarations import DECLARATIONS
from tandem.privacy.services import person_of, section_name
from tandem.programs.models import Profile
from tandem.programs.tests.factories import (
    PASSWORD,
    InvitationFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tandem.support.tests.factories import HelpFlagFactory
from tests.trust.world import MESSAGE_TEXT, PRIVATE_NOTE, SHARED_NOTE, World, build_world

pytestmark = pytest.mark.django_db

PARTNERS_PRIVATE = "PARTNER2-PRIVATE-NOTE never in Pia's download"
END_REASON = "PIA-PAUSE-REASON for the partners"
FEEDBACK = "PIA-FEEDBACK for the coordinators"
CANCEL_REASON = "PIA-CANCEL-REASON for the partner"


def _every_kind_of_record(w: World) -> None:
    """Give Pia (and Cora, for what only a coordinator does) a row of every declared model."""
    seat = w.seats[0]
    pia, mia = w.memberships["partner"], w.memberships["member"]
    now = clock.now()
    meeting, goal = w.objects["meeting"], w.objects["goal"]
    EmailAddress.objects.get_or_create(user=w.users["partner"], email="pia@a.example.org")
    WaitlistEntryFactory(program=w.b, email="PIA@a.example.org")
    InvitationFactory(program=w.b, email="pia@a.example.org", expires_at=now + timedelta(days=9))
    UnmatchedMemberFactory(run=w.objects["run"], membership=pia, reason="No fit")
    LeftOutMemberFactory(run=w.objects["run"], membership=pia, reason="no_consent")
    announcement = AnnouncementFactory(
        program=w.a, author=w.users["coordinator"], subject="Kick-off", body="See you there"
    )
    AnnouncementDeliveryFactory(announcement=announcement, membership=pia, sent_at=now)
    AnnouncementOptOutFactory(membership=pia)
    IntakeReminderFactory(
        membership=pia, sent_by=w.users["coordinator"], week="2027-W03", sent_at=now
    )
    low, high = sorted([pia, mia], key=lambda m: m.pk)
    MatchRuleFactory(program=w.a, kind=MatchRule.Kind.FORBID, membership_a=low, membership_b=high)
    PartnershipEventFactory(
        partnership=w.partnership, kind="paused", actor=seat, reason=END_REASON,
        coordinator_feedback=FEEDBACK,
    )  # fmt: skip
    RematchRequestFactory(program=w.a, partnership=w.partnership, seat=seat)
    DigestSentFactory(user=w.users["partner"], day=clock.today())
    ExitSurvey.objects.create(
        seat=seat, usefulness=4, what_worked="PIA-EXIT-ANSWER", would_take_part_again=True
    )
    ClosingChoice.objects.create(seat=seat, stay_in_touch=True, alumni_listed=True)
    MeetingFactory(
        partnership=w.partnership, original_start=now, starts_at=now, duration_minutes=30,
        time_zone="UTC", status="cancelled", cancelled_by=seat, cancel_reason=CANCEL_REASON,
    )  # fmt: skip
    TurnFactory(meeting=w.objects["meeting_held"], seat=seat, position=0,
                        planned_seconds=600)  # fmt: skip
    DeliveryFactory(meeting=meeting, seat=seat, kind=Delivery.Kind.REMINDER_24H)
    ScheduleNoticeFactory(
        kind=ScheduleNotice.Kind.SERIES_PROPOSED, seat=seat, series=w.objects["series_pending"]
    )
    ProgressUpdateFactory(goal=goal, text="Outline written", percent=30)
    IncentiveEarnedFactory(partnership=w.partnership, goal=goal, incentive="Dinner")
    GoalCommentFactory(goal=goal, author=pia, body="PIA-COMMENT on my goal")
    NudgeFactory(goal=goal, sender=w.memberships["partner2"], week="2027-W01")
    survey = w.objects["question"].survey
    SurveyInvitationFactory(survey=survey, membership=pia)
    response = SurveyResponseFactory(survey=survey, membership=pia)
    AnswerFactory(response=response, question=w.objects["question"], scale=4,
                          text="PIA-ANSWER")  # fmt: skip
    PulseFactory(meeting=w.objects["meeting_held"], membership=pia, score=4)
    HelpFlagFactory(program=w.a, membership=pia, kind="other")
    StalledNudgeFactory(partnership=w.partnership, sent_by=w.users["coordinator"], week="2027-W02")


@pytest.fixture
def w() -> World:
    world = build_world()
    meetings.note_create(
        meeting=world.objects["meeting"],
        seat=world.seats[1],
        body=PARTNERS_PRIVATE,
        visibility="private",
    )
    _every_kind_of_record(world)
    return world


def download(client: Client) -> dict[str, Any]:
    response = client.post("/me/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="tandem-my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- download ---------------------------------------------------------------------------------


def test_data_page_lists_the_files_and_offers_the_download():
    body = signed_in(UserFactory()).get("/me/data/").content.decode()
    assert "Download my data" in body
    for name in services_data.EXPORT_FILES:
        assert name in body


def test_download_holds_my_records_and_only_mine(w):
    files = download(signed_in(w.users["partner"]))
    assert sorted(files) == sorted(services_data.EXPORT_FILES)
    account = files["account.json"]
    assert [u["email"] for u in account["users"]] == ["pia@a.example.org"]
    assert [t["label"] for t in account["api tokens"]] == ["Trust script"]
    everything = json.dumps(files)
    assert "token_hash" not in everything and "password" not in everything
    assert [m["program"] for m in files["programs.json"]["memberships"]] == ["trust-a"]
    assert [p["display_name"] for p in files["programs.json"]["profiles"]] == ["Pia"]
    # Partners by display name only: no email, no intake.
    assert files["partnerships.json"]["partnerships"][0]["members"] == ["Pia", "Paul"]
    assert "paul@a.example.org" not in everything
    # My notes, private and shared, never my partner's private one.
    notes = files["meetings.json"]["notes"]
    assert sorted(n["body"] for n in notes) == sorted([PRIVATE_NOTE, SHARED_NOTE])
    assert PARTNERS_PRIVATE not in everything
    assert len(files["meetings.json"]["meetings"]) == w.partnership.meetings.count()
    assert [m["body"] for m in files["partnerships.json"]["messages"]] == [MESSAGE_TEXT]
    assert {g["title"] for g in files["goals.json"]["goals"]} == {"Give a talk", "Private goal"}
    assert files["partnerships.json"]["agreement versions"][0]["incentive"] == "Dinner"
    events = files["partnerships.json"]["partnership events"]
    assert [(e["reason"], e["coordinator_feedback"]) for e in events] == [(END_REASON, FEEDBACK)]
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).actor == w.users["partner"]


def _text_of(row: models.Model) -> str:
    values = [getattr(row, f.attname) for f in row._meta.concrete_fields]
    return json.dumps(values, default=str, ensure_ascii=False).lower()


def test_every_declared_model_is_in_the_download_and_gone_or_pseudonymised_after(w):
    subjects = [w.users["partner"], w.users["coordinator"]]
    people: list[Person] = [person_of(user=u) for u in subjects]
    files = [download(signed_in(u)) for u in subjects]
    missing, not_downloaded = [], []
    chosen = []
    for declaration in DECLARATIONS:
        for holding in declaration.holdings:
            label = holding.model._meta.label
            # Pia holds a row of every model but what only a coordinator does (runs, nudges).
            index = next((i for i, p in enumerate(people) if holding.rows(p).exists()), None)
            if index is None:
                missing.append(label)
                continue
            chosen.append((holding, people[index]))
            section = files[index][declaration.file_name][section_name(holding.model)]
            if len(section) != holding.rows(people[index]).count():
                not_downloaded.append(label)
    assert not missing, f"no row in the seeded world: {missing}"
    assert not not_downloaded, f"not in the download: {not_downloaded}"

    for user in subjects:
        services_data.account_erase(user=user, password=PASSWORD)

    left = []
    for holding, person in chosen:
        own = holding.own_rows(person)
        if holding.erase is Erase.DELETE and own.exists():
            left.append(f"{holding.model._meta.label}: not deleted")
        for name in holding.clear:
            if own.exclude(**{name: ""}).exists():
                left.append(f"{holding.model._meta.label}.{name}: not blanked")
        for row in holding.rows(person):
            text = _text_of(row)
            if person.email.lower() in text or person.name.lower() in text:
                left.append(f"{holding.model._meta.label} #{row.pk}: names the person")
    assert not left, left
    for words in (
        END_REASON,
        FEEDBACK,
        CANCEL_REASON,
        "PIA-COMMENT",
        "PIA-ANSWER",
        "PIA-EXIT-ANSWER",
    ):
        assert not any(words.lower() in _text_of(row) for row in _all_rows()), words


def _all_rows() -> list[models.Model]:
    rows: list[models.Model] = []
    for model in apps.get_models():
        rows += list(model._base_manager.all())
    return rows


def test_visitors_are_sent_to_sign_in_for_the_data_pages():
    for path in ("/me/data/", "/me/delete/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- erasure ----------------------------------------------------------------------------------


def test_wrong_password_erases_nothing_and_says_what_to_do():
    user = UserFactory(email="wrong@example.org")
    response = signed_in(user).post("/me/delete/", {"password": "not-it"})
    assert response.status_code == 400
    assert services_data.MSG_CONFIRMATION_WRONG in response.content.decode()
    user.refresh_from_db()
    assert user.email == "wrong@example.org" and user.is_active
    with pytest.raises(ValidationFailed) as exc:
        services_data.account_erase(user=user, password="")
    assert exc.value.message == services_data.MSG_CONFIRMATION_MISSING


def test_deleting_my_account_erases_my_words_and_leaves_partners_a_pseudonym(w):
    user = w.users["partner"]
    email, name = user.email, user.name
    pseudonym = services_data.pseudonym_for(user)
    # Leave traces everywhere a person's address or name can go.
    Client().post("/accounts/login/", {"login": email, "password": "wrong"})
    client = signed_in(user)
    download(client)
    other = w.memberships["member"].profile
    other.excluded_emails = [email, "someone@example.org"]
    other.save()

    response = client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    # No table mentions my address or name any more.
    needles = (email.lower(), name.lower())
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        cell = bytes(cell).decode("utf-8", "replace")
                    if any(n in str(cell).lower() for n in needles):
                        found.append(f"table {table}: {str(cell)[:80]}")
    assert not found, found
    # Signed out, and the account cannot sign in again.
    assert Client().login(email=email, password=PASSWORD) is False
    assert client.get("/me/").status_code == 302
    user.refresh_from_db()
    assert user.name == pseudonym and user.email.endswith("@erased.invalid")
    assert not user.is_active and not user.has_usable_password()
    # My notes and profile are gone; my partner's records stay, under the pseudonym.
    assert not Note.objects.filter(author=w.seats[0]).exists()
    assert Note.objects.filter(body=PARTNERS_PRIVATE).exists()
    assert not Profile.objects.filter(membership=w.memberships["partner"]).exists()
    seat = w.partnership.seats.select_related("membership__user").get(pk=w.seats[0].pk)
    assert seat_name(seat) == pseudonym and not seat.active
    assert pseudonym.startswith("Former member ") and len(pseudonym) == len("Former member 7f3a")
    assert w.partnership.meetings.count() > 0
    other.refresh_from_db()
    assert other.excluded_emails == ["someone@example.org"]
