"""The next cohort: a draft copy of a program's set-up, without members; earlier partners
of the source cohort are not proposed again in the copy's match run."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tandem.cohorts.services import program_copy
from tandem.core.models import AuditEvent
from tandem.goals.models import Question, Survey
from tandem.goals.tests.factories import QuestionFactory, SurveyFactory
from tandem.matching import services as matching_services
from tandem.matching.tests.helpers import member, names_in
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Document, Membership, Program
from tandem.programs.services.program import NAME_REQUIRED
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    DocumentFactory,
    ProfileFactory,
    ProgramFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    program = ProgramFactory(
        name="Skiers 2027",
        slug="skiers-2027",
        status=Program.Status.RUNNING,
        cadence_weeks=3,
        meeting_minutes=45,
        format=Program.Format.CIRCLES,
        allow_trios=False,
        confidentiality_rules="Stays in the circle.",
    )
    DocumentFactory(program=program, title="Guide", body="# Welcome", position=1)
    upload = Document(program=program, title="Sheet", kind=Document.Kind.WORKSHEET)
    upload.file.save("sheet.pdf", ContentFile(b"%PDF-1.4 sheet"), save=True)
    ResourceFactory(program=program, name="Helpline", contact="0800", when_to_use="Crisis")
    survey = SurveyFactory(program=program, kind=Survey.Kind.KICKOFF)
    QuestionFactory(survey=survey, text="How sure are you?", position=2)
    return program


@pytest.fixture
def coordinator(source):
    return CoordinatorFactory(program=source, user=UserFactory(email="cora@example.org")).user


def test_copy_is_a_draft_with_the_set_up_and_no_members(client, source, coordinator):
    member(source, "Ana")
    client.force_login(coordinator)
    page = client.get(reverse("programs:manage", args=[source.slug])).content.decode()
    assert reverse("cohorts:copy", args=[source.slug]) in page

    response = client.post(
        reverse("cohorts:copy", args=[source.slug]), {"name": "Skiers 2028", "slug": ""}
    )

    copy = Program.objects.get(name="Skiers 2028")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:manage", args=[copy.slug])
    assert copy.slug == "skiers-2028"
    assert copy.status == Program.Status.DRAFT
    assert copy.previous_cohort == source
    assert (copy.cadence_weeks, copy.meeting_minutes, copy.format, copy.allow_trios) == (
        3,
        45,
        Program.Format.CIRCLES,
        False,
    )
    assert copy.confidentiality_rules == "Stays in the circle."
    assert [(m.user, m.role) for m in copy.memberships.all()] == [
        (coordinator, Membership.Role.COORDINATOR)
    ]
    docs = {d.title: d for d in copy.documents.all()}
    assert docs["Guide"].body == "# Welcome"
    assert docs["Sheet"].file.name != source.documents.get(title="Sheet").file.name
    assert docs["Sheet"].file.read() == b"%PDF-1.4 sheet"
    assert list(copy.resources.values_list("name", "contact")) == [("Helpline", "0800")]
    assert list(
        Question.objects.filter(survey__program=copy).values_list("survey__kind", "text")
    ) == [("kickoff", "How sure are you?")]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROGRAM_COPIED)
    assert event.before == {"copied_from": "skiers-2027"}


def test_a_bad_name_is_shown_and_nothing_is_created(client, source, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:copy", args=[source.slug]), {"name": " "})
    assert response.status_code == 400
    assert NAME_REQUIRED in response.content.decode()
    assert Program.objects.count() == 1


def test_copy_page_is_not_found_for_a_member(client, source):
    ana = member(source, "Ana")
    client.force_login(ana.user)
    assert client.get(reverse("cohorts:copy", args=[source.slug])).status_code == 404


def _returning(program, user, name, *, offers, wants):
    """Return the returning person's new membership in ``program``, with a complete intake."""
    return ProfileFactory(
        membership__program=program,
        membership__user=user,
        display_name=name,
        offers=offers,
        wants=wants,
    ).membership


def test_former_partners_are_not_proposed_again_in_the_copy(source, coordinator):
    ana = member(source, "Ana", offers=["Spanish"], wants=["Skiing"])
    ben = member(source, "Ben", offers=["Skiing"], wants=["Spanish"])
    earlier = partnership_create_from_match(program=source, memberships=[ana, ben])
    earlier.seats.update(active=False)
    copy = program_copy(source=source, coordinator=coordinator, name="Skiers 2028")
    # Ana and Ben come back (new memberships, the same wishes); two newcomers join.
    _returning(copy, ana.user, "Ana", offers=["Spanish"], wants=["Skiing"])
    _returning(copy, ben.user, "Ben", offers=["Skiing"], wants=["Spanish"])
    member(copy, "Cleo", offers=["Chess"], wants=["Piano"])
    member(copy, "Dan", offers=["Piano"], wants=["Chess"])

    run = matching_services.match_run_start(program=copy, created_by=coordinator, format="pairs")
    assert {"Cleo", "Dan"} in names_in(run)
    assert {"Ana", "Ben"} not in names_in(run)
    assert {u.membership.profile.display_name for u in run.unmatched.all()} == {"Ana", "Ben"}

    # Allowing earlier partners again puts the best pair back: the history made the difference.
    again = matching_services.match_run_start(
        program=copy, created_by=coordinator, format="pairs", allow_repeats=True
    )
    assert {"Ana", "Ben"} in names_in(again)
