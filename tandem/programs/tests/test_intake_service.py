from datetime import UTC, datetime

import pytest

from tandem.core.errors import Conflict
from tandem.interchange.members_csv import MSG_BAD_TIME_ZONE, Slot, parse_members_csv
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.services import intake as svc
from tandem.programs.services.intake import IntakeData, IntakeInvalid, profile_submit
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def answers(**overrides: object) -> IntakeData:
    values: dict[str, object] = {
        "display_name": "Ana",
        "time_zone": "Europe/Madrid",
        "consent": True,
        "availability": [Slot(2, 18 * 60, 20 * 60)],
    }
    values.update(overrides)
    return IntakeData(**values)


def errors_of(membership: Membership, data: IntakeData) -> dict[str, str]:
    with pytest.raises(IntakeInvalid) as info:
        profile_submit(membership=membership, data=data)
    return info.value.errors


@pytest.fixture
def membership():
    return MembershipFactory(status=Membership.Status.INTAKE, user__email="ana@example.org")


def test_submit_saves_profile_marks_submitted_and_member_ready(membership, frozen_clock):
    profile = profile_submit(
        membership=membership,
        data=answers(pronouns="she/her", stage="Mid", channel="Phone", goals_text="  Speak up  "),
    )
    profile.refresh_from_db()
    membership.refresh_from_db()
    assert profile.submitted_at == frozen_clock
    assert profile.consent_at == frozen_clock
    assert membership.status == Membership.Status.READY
    assert (profile.stage, profile.channel, profile.goals_text) == ("mid", "phone", "Speak up")
    assert profile.languages == ["English"]


def test_tags_are_the_same_whatever_the_case_and_spacing(membership):
    program = membership.program
    existing = TagFactory(program=program, name="Public speaking")
    profile = profile_submit(
        membership=membership,
        data=answers(
            offers=["  Public   speaking", "public speaking", "Spanish"], wants=["SPANISH "]
        ),
    )
    assert [t.pk for t in profile.offers.all() if t.name == "Public speaking"] == [existing.pk]
    assert sorted(t.name for t in profile.offers.all()) == ["Public speaking", "Spanish"]
    # The learn-side "SPANISH " is the same skill tag the offer created.
    assert [t.pk for t in profile.wants.all()] == [
        Tag.objects.get(program=program, kind=Tag.Kind.SKILL, key="spanish").pk
    ]


def test_intake_and_csv_import_normalise_tags_identically(membership):
    raw = "  Public   SPEAKING ;  data  Viz "
    csv = (
        "email,name,pronouns,time_zone,availability,offers,wants,goals,stage,organisation,"
        f"department,languages,channel,exclude\nb@example.org,B,,UTC,,{raw},,,,,,,,\n"
    ).encode()
    profile = profile_submit(membership=membership, data=answers(offers=svc.split_list(raw)))
    assert [t.name for t in profile.offers.order_by("pk")] == list(
        parse_members_csv(csv).rows[0].offers
    )


def test_merged_tag_is_replaced_by_the_kept_tag(membership):
    program = membership.program
    kept = TagFactory(program=program, kind=Tag.Kind.THEME, name="Leadership")
    TagFactory(program=program, kind=Tag.Kind.THEME, name="Leading people", merged_into=kept)
    profile = profile_submit(
        membership=membership, data=answers(themes=["leading  people", "Leadership"])
    )
    assert [t.pk for t in profile.themes.all()] == [kept.pk]


def test_more_than_five_goal_themes_is_refused_with_a_clear_message(membership):
    themes = ["one", "two", "three", "four", "five", "six", "ONE"]
    errors = errors_of(membership, answers(themes=themes))
    assert errors == {
        "themes": "You chose 6 goal themes; keep the 5 that matter most and remove the rest."
    }
    assert not Profile.objects.exists()
    assert Tag.objects.count() == 0


def test_five_themes_spelled_seven_ways_are_accepted(membership):
    themes = ["one", "two", "three", "four", "five", "ONE", " two "]
    profile = profile_submit(membership=membership, data=answers(themes=themes))
    assert profile.themes.count() == 5


def test_unknown_time_zone_is_refused(membership):
    errors = errors_of(membership, answers(time_zone="Mars/Olympus_Mons"))
    assert errors["time_zone"] == MSG_BAD_TIME_ZONE.format(value="Mars/Olympus_Mons")


def test_empty_time_zone_asks_for_one(membership):
    assert errors_of(membership, answers(time_zone=" "))["time_zone"] == svc.MSG_TIME_ZONE_REQUIRED


def test_in_person_without_city_names_the_city(membership):
    errors = errors_of(membership, answers(channel="in person", city="  "))
    assert errors == {"city": svc.MSG_CITY_REQUIRED}


def test_in_person_with_city_is_saved(membership):
    profile = profile_submit(membership=membership, data=answers(channel="in person", city="Lyon"))
    assert (profile.channel, profile.city) == ("in person", "Lyon")


def test_consent_is_required(membership):
    assert errors_of(membership, answers(consent=False)) == {"consent": svc.MSG_CONSENT_REQUIRED}


def test_every_problem_is_reported_at_once(membership):
    errors = errors_of(
        membership,
        answers(display_name=" ", time_zone="Nowhere", consent=False, stage="guru", channel="fax"),
    )
    assert set(errors) == {"display_name", "time_zone", "consent", "stage", "channel"}


def test_availability_is_merged_into_contiguous_ranges(membership):
    slots = [Slot(0, 540, 570), Slot(0, 570, 600), Slot(0, 630, 660), Slot(6, 1380, 1440)]
    profile = profile_submit(membership=membership, data=answers(availability=slots))
    profile.refresh_from_db()
    assert profile.availability == [[0, 540, 600], [0, 630, 660], [6, 1380, 1440]]


def test_availability_out_of_range_is_refused(membership):
    errors = errors_of(membership, answers(availability=[Slot(7, 60, 120)]))
    assert errors["availability"] == svc.MSG_BAD_SLOT.format(day=7, start=60, end=120)


def test_excluded_emails_are_kept_whether_or_not_they_are_members(membership):
    MembershipFactory(program=membership.program, user__email="bo@example.org")
    profile = profile_submit(
        membership=membership,
        data=answers(excluded_emails=["Bo@Example.org", "nobody@elsewhere.test", "bo@example.org"]),
    )
    profile.refresh_from_db()
    assert profile.excluded_emails == ["bo@example.org", "nobody@elsewhere.test"]


def test_excluding_yourself_or_a_non_address_is_refused(membership):
    assert errors_of(membership, answers(excluded_emails=["ANA@example.org"])) == {
        "excluded_emails": svc.MSG_EXCLUDES_SELF.format(email="ana@example.org")
    }
    assert errors_of(membership, answers(excluded_emails=["not-an-address"])) == {
        "excluded_emails": svc.MSG_BAD_EXCLUDED_EMAIL.format(value="not-an-address")
    }


def test_resubmitting_replaces_answers(membership):
    profile_submit(membership=membership, data=answers(offers=["Spanish"], languages=["French"]))
    profile = profile_submit(membership=membership, data=answers(offers=["Skiing"]))
    assert [t.name for t in profile.offers.all()] == ["Skiing"]
    assert profile.languages == ["English"]
    assert Profile.objects.count() == 1


def test_matched_member_cannot_change_intake(membership):
    ProfileFactory(membership=membership, display_name="Before")
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.MATCHED)
    with pytest.raises(Conflict) as info:
        profile_submit(membership=membership, data=answers(display_name="After"))
    assert info.value.message == svc.MSG_READ_ONLY_MATCHED
    assert Profile.objects.get().display_name == "Before"


@pytest.mark.parametrize("status", [Program.Status.RUNNING, Program.Status.CLOSED])
def test_intake_is_frozen_once_the_program_runs(membership, status):
    Program.objects.filter(pk=membership.program_id).update(status=status)
    membership.program.refresh_from_db()
    with pytest.raises(Conflict):
        profile_submit(membership=membership, data=answers())


def test_paused_member_stays_paused_after_editing(membership):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.PAUSED)
    profile_submit(membership=membership, data=answers())
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PAUSED


def test_coordinator_has_no_intake():
    coordinator = CoordinatorFactory()
    with pytest.raises(Conflict):
        profile_submit(membership=coordinator, data=answers())


def test_consent_time_is_renewed_on_each_submission(membership):
    with_first = datetime(2027, 1, 4, 9, tzinfo=UTC)
    with_second = datetime(2027, 1, 5, 9, tzinfo=UTC)
    from tandem.core import clock

    with clock.frozen(with_first):
        profile_submit(membership=membership, data=answers())
    with clock.frozen(with_second):
        profile = profile_submit(membership=membership, data=answers())
    assert profile.consent_at == with_second


def test_an_answer_with_several_problems_names_them_all(membership):
    errors = errors_of(
        membership,
        answers(
            excluded_emails=["nope", "ana@example.org", "wrong too"],
            availability=[Slot(7, 0, 60), Slot(1, 600, 500)],
        ),
    )
    assert errors["excluded_emails"] == " ".join(
        [
            svc.MSG_BAD_EXCLUDED_EMAIL.format(value="nope"),
            svc.MSG_EXCLUDES_SELF.format(email="ana@example.org"),
            svc.MSG_BAD_EXCLUDED_EMAIL.format(value="wrong too"),
        ]
    )
    assert errors["availability"] == " ".join(
        [
            svc.MSG_BAD_SLOT.format(day=7, start=0, end=60),
            svc.MSG_BAD_SLOT.format(day=1, start=600, end=500),
        ]
    )
