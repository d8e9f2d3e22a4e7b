from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.programs.models import Invitation, Membership, Program
from tandem.programs.services import program as svc
from tandem.programs.services.program import ProgramInvalid
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(exc: ProgramInvalid) -> dict[str, str]:
    return {e.field or "": e.message for e in exc.errors}


# Creating a program


def test_creator_becomes_coordinator_of_a_new_draft():
    user = UserFactory()
    program = svc.program_create(creator=user, name="Spanish for skiers", audience="Everyone")
    assert program.slug == "spanish-for-skiers"
    assert program.status == Program.Status.DRAFT
    membership = Membership.objects.get(program=program, user=user)
    assert membership.role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED, program=program)
    assert event.after == {"role": "coordinator"}


def test_slug_from_name_is_made_unique():
    ProgramFactory(slug="book-club")
    ProgramFactory(slug="book-club-2")
    program = svc.program_create(creator=UserFactory(), name="Book club")
    assert program.slug == "book-club-3"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("<b>Mentors</b> 2027", "mentors-2027"),
        ("<em>Peer</em> &amp; <i>pair</i>", "peer-pair"),
        ('<a href="https://x.example">Book</a> club', "book-club"),
    ],
)
def test_slug_from_a_name_with_markup_leaves_the_markup_out(name, slug):
    program = svc.program_create(creator=UserFactory(), name=name)
    assert program.slug == slug


def test_reserved_word_is_not_given_as_a_slug():
    program = svc.program_create(creator=UserFactory(), name="New")
    assert program.slug == "new-program"


def test_person_without_verified_email_cannot_start_a_program():
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    with pytest.raises(ValidationFailed) as exc:
        svc.program_create(creator=user, name="Anything")
    assert exc.value.message == "Confirm your email address before you start a program."
    assert not Program.objects.exists()


def test_taken_slug_chosen_by_hand_is_refused():
    ProgramFactory(slug="taken")
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_create(creator=UserFactory(), name="Mine", slug="taken")
    assert messages_of(exc.value) == {
        "slug": "Another program already uses the web address “taken”; choose another."
    }


def test_name_is_required_and_slug_must_be_well_formed():
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_create(creator=UserFactory(), name="  ", slug="Bad Slug!")
    assert messages_of(exc.value) == {
        "name": "Give the program a name.",
        "slug": "Use only lowercase letters, digits and single hyphens in the web address "
        "(e.g. spanish-for-skiers).",
    }


# Changing settings


@pytest.fixture
def program():
    coordinator = CoordinatorFactory(program__status=Program.Status.DRAFT)
    return coordinator.program


def test_update_changes_settings_and_records_what_changed(program):
    actor = UserFactory()
    svc.program_update(
        program=program,
        actor=actor,
        name="Renamed",
        cadence_weeks=3,
        kickoff_on=date(2027, 2, 1),
        id=999,  # not a setting: ignored
    )
    program.refresh_from_db()
    assert (program.name, program.cadence_weeks, program.kickoff_on) == (
        "Renamed",
        3,
        date(2027, 2, 1),
    )
    assert program.pk != 999
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROGRAM_CHANGED)
    assert event.after == {"name": "Renamed", "kickoff_on": "2027-02-01", "cadence_weeks": 3}
    assert set(event.before) == {"name", "kickoff_on", "cadence_weeks"}


def test_dates_out_of_order_are_refused_with_the_dates_named(program):
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_update(
            program=program,
            actor=None,
            kickoff_on=date(2027, 3, 1),
            midpoint_on=date(2027, 2, 1),
            ends_on=date(2027, 6, 1),
            recap_on=date(2027, 5, 1),
        )
    assert messages_of(exc.value) == {
        "midpoint_on": "The mid-point check-in must be on or after the kick-off (1 March 2027).",
        "recap_on": "The recap must be on or after the end (1 June 2027).",
    }
    program.refresh_from_db()
    assert program.kickoff_on is None


def test_recap_before_kickoff_is_refused_even_without_the_dates_between(program):
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_update(
            program=program, actor=None, kickoff_on=date(2027, 3, 1), recap_on=date(2027, 1, 1)
        )
    assert exc.value.message == "The recap must be on or after the kick-off (1 March 2027)."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cadence_weeks": 0}, "cadence_weeks", "Meet every 1 to 12 weeks."),
        ({"cadence_weeks": 13}, "cadence_weeks", "Meet every 1 to 12 weeks."),
        ({"meeting_minutes": 14}, "meeting_minutes", "A meeting lasts 15 to 240 minutes."),
        ({"meeting_minutes": 241}, "meeting_minutes", "A meeting lasts 15 to 240 minutes."),
        (
            {"circle_size_min": 2},
            "circle_size_min",
            "Circles have 3 to 5 people: set the smallest and largest size between 3 and 5.",
        ),
        (
            {"circle_size_min": 5, "circle_size_max": 4},
            "circle_size_max",
            "The largest circle size cannot be smaller than the smallest.",
        ),
        ({"format": "trios"}, "format", "Choose a format: pairs or circles."),
        ({"slug": "new"}, "slug", "“new” is reserved; choose another web address."),
    ],
)
def test_out_of_range_settings_are_refused(program, changes, field, message):
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_update(program=program, actor=None, **changes)
    assert messages_of(exc.value) == {field: message}


def test_program_keeps_its_own_slug(program):
    svc.program_update(program=program, actor=None, slug=program.slug, name="Same address")
    program.refresh_from_db()
    assert program.name == "Same address"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "waitlist"),
        ("draft", "intake_open"),
        ("waitlist", "intake_open"),
        ("waitlist", "draft"),
        ("intake_open", "running"),
        ("intake_open", "waitlist"),
        ("running", "closed"),
        ("draft", "closed"),
    ],
)
def test_allowed_status_moves(start, target):
    program = ProgramFactory(status=start)
    svc.program_update(program=program, actor=None, status=target)
    program.refresh_from_db()
    assert program.status == target


def test_running_program_cannot_go_back_to_draft():
    program = ProgramFactory(status=Program.Status.RUNNING)
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_update(program=program, actor=None, status=Program.Status.DRAFT)
    assert exc.value.message == (
        "A program that is running cannot become draft; next it can be: closed."
    )


def test_closed_is_final():
    program = ProgramFactory(status=Program.Status.CLOSED)
    with pytest.raises(ProgramInvalid) as exc:
        svc.program_update(program=program, actor=None, status=Program.Status.RUNNING)
    assert exc.value.message == "This program is closed, and a closed program cannot be reopened."


# Coordinators


def test_adding_an_existing_user_makes_them_coordinator_at_once(program):
    actor = program.memberships.get().user
    other = UserFactory(email="Ana@Example.org")
    membership = svc.coordinator_add(program=program, email=" ana@example.org ", added_by=actor)
    assert isinstance(membership, Membership)
    assert membership.user == other
    assert membership.role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED).first()
    assert event.subject_label == other.email
    assert event.actor == actor
    assert event.before == {"role": None}
    assert event.after == {"role": "coordinator", "status": "ready"}


def test_adding_a_member_promotes_them_and_audits_the_role_change(program):
    member = MembershipFactory(program=program)
    svc.coordinator_add(program=program, email=member.user.email, added_by=None)
    member.refresh_from_db()
    assert member.role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED).first()
    assert event.before == {"role": "member", "status": "ready"}
    assert event.after == {"role": "coordinator", "status": "ready"}


def test_adding_someone_without_an_account_sends_a_coordinator_invitation(
    program, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = svc.coordinator_add(program=program, email="new@example.org", added_by=None)
    assert isinstance(result, Invitation)
    assert result.role == Membership.Role.COORDINATOR
    assert [m.to for m in mailoutbox] == [["new@example.org"]]


def test_adding_a_coordinator_twice_is_a_conflict(program):
    coordinator = program.memberships.get()
    with pytest.raises(Conflict) as exc:
        svc.coordinator_add(program=program, email=coordinator.user.email, added_by=None)
    assert exc.value.message == f"{coordinator.user.email} already coordinates this program."


def test_bad_email_is_refused(program):
    with pytest.raises(ValidationFailed) as exc:
        svc.coordinator_add(program=program, email="not-an-email", added_by=None)
    assert exc.value.message == "Enter the email address of the person to add."


def test_last_coordinator_cannot_be_removed(program):
    only = program.memberships.get()
    with pytest.raises(Conflict) as exc:
        svc.coordinator_remove(program=program, membership_id=only.pk, removed_by=only.user)
    assert exc.value.message == (
        "A program needs at least one coordinator: add another coordinator before removing "
        "this one."
    )
    only.refresh_from_db()
    assert only.role == Membership.Role.COORDINATOR


def test_removed_coordinator_leaves_and_the_change_is_audited(program):
    first = program.memberships.get()
    second = CoordinatorFactory(program=program)
    svc.coordinator_remove(program=program, membership_id=second.pk, removed_by=first.user)
    second.refresh_from_db()
    assert (second.role, second.status) == (Membership.Role.MEMBER, Membership.Status.LEFT)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED).first()
    assert event.before == {"role": "coordinator", "status": "ready"}
    assert event.after == {"role": "member", "status": "left"}


def test_coordinator_of_another_program_cannot_be_removed_through_this_one(program):
    CoordinatorFactory(program=program)
    elsewhere = CoordinatorFactory()
    with pytest.raises(NotFound):
        svc.coordinator_remove(program=program, membership_id=elsewhere.pk, removed_by=None)


def test_removed_coordinator_can_be_added_again(program):
    second = CoordinatorFactory(program=program)
    svc.coordinator_remove(program=program, membership_id=second.pk, removed_by=None)
    svc.coordinator_add(program=program, email=second.user.email, added_by=None)
    second.refresh_from_db()
    assert (second.role, second.status) == (Membership.Role.COORDINATOR, Membership.Status.READY)


REFUSALS_IN_LANGUAGE = {
    "es": (
        "Un programa en estado «en marcha» no puede pasar a «borrador»; a continuación puede "
        "pasar a: cerrado.",
        "La fecha de seguimiento de mitad de programa debe ser igual o posterior a la de inicio "
        "(1 de marzo de 2027).",
        "La pausa tras un final dura de 0 a 90 días (0: quienes fueron compañeros pueden volver "
        "a emparejarse enseguida).",
    ),
    "fr": (
        "Un programme à l\u2019état « en cours » ne peut pas passer à « brouillon » ; ensuite, il "
        "peut passer à : clôturé.",
        "La date « point de mi-parcours » doit être identique ou postérieure à la date "
        "« lancement » (1 mars 2027).",
        "La pause après une fin dure de 0 à 90 jours (0 : les partenaires peuvent être appariés "
        "de nouveau tout de suite).",
    ),
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_status_dates_and_cooling_off_refusals_are_in_the_language(language):
    status, dates, cooling_off = REFUSALS_IN_LANGUAGE[language]
    program = ProgramFactory(status=Program.Status.RUNNING)
    with translation.override(language), pytest.raises(ProgramInvalid) as exc:
        svc.program_update(
            program=program,
            actor=None,
            status=Program.Status.DRAFT,
            kickoff_on=date(2027, 3, 1),
            midpoint_on=date(2027, 2, 1),
            cooling_off_days=91,
        )
    assert messages_of(exc.value) == {
        "status": status,
        "midpoint_on": dates,
        "cooling_off_days": cooling_off,
    }
