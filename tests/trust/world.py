"""One seeded world for the trust tests, built through each app's services where they exist.

Program A ("trust-a"): a coordinator, a member who is nobody's partner, and a partnership of
two partners (published from a match run) with an agreed series of meetings, a private and a
shared note, a commitment, a pending series proposal and a pending reschedule; plus a second
finished run, a match rule, a document, an uploaded worksheet, a resource, a waitlist entry,
an invitation, a calendar feed and an API token. Where the agreements, messages and goals
services exist, the partnership also gets an accepted agreement, messages and a goal; where
the worksheets exist, the suggested ones and an answer partner 1 saved on the first.

Program B ("trust-b"): its own coordinator and a member. And a site admin (staff, superuser)
who belongs to no program.
"""

import importlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, cast

from django.core.files.base import ContentFile

from tandem.accounts.models import User
from tandem.core import clock
from tandem.matching.tests.factories import MatchRuleFactory
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Document, Membership, Program, Resource
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    DocumentFactory,
    InvitationFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    ResourceFactory,
    UserFactory,
    WaitlistEntryFactory,
)

PRIVATE_NOTE = "PRIVATE-NOTE-TEXT only the author may read"
SHARED_NOTE = "SHARED-NOTE-TEXT for both partners"
MESSAGE_TEXT = "MESSAGE-TEXT between partners"
WORKSHEET_ANSWER = "WORKSHEET-ANSWER the partners wrote together"
ROLES = (
    "anonymous",
    "outsider",  # member of program B
    "member",  # member of program A who is nobody's partner
    "partner",  # partner 1 (author of the notes)
    "partner2",  # the other partner
    "coordinator",  # coordinator of program A
    "coordinator_b",  # coordinator of program B
    "admin",  # site admin: is_staff and is_superuser, in no program
)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    program: Program | None = None
    program_b: Program | None = None
    memberships: dict[str, Membership] = field(default_factory=dict)
    partnership: Partnership | None = None
    seats: list[PartnershipMember] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def a(self) -> Program:
        assert self.program is not None
        return self.program

    @property
    def b(self) -> Program:
        assert self.program_b is not None
        return self.program_b

    def pk(self, name: str) -> int:
        return int(self.objects[name].pk)


def person(name: str, email: str, **extra: Any) -> User:
    return cast(User, UserFactory(name=name, email=email, **extra))


def build_world() -> World:
    """Create the world (see the module docstring) and return handles to its objects."""
    from tandem.accounts.services import api_token_create
    from tandem.matching.models import MatchRule
    from tandem.matching.services import match_run_publish
    from tandem.matching.tests.helpers import run_with_proposals
    from tandem.meetings import services as meetings
    from tandem.programs.models import WaitlistEntry

    w = World()
    w.program = cast(
        Program,
        ProgramFactory(
            name="Trust A",
            slug="trust-a",
            status=Program.Status.RUNNING,
            cadence_weeks=1,
            kickoff_on=clock.today() - timedelta(days=1),  # the kick-off survey is open
        ),
    )
    w.program_b = cast(
        Program, ProgramFactory(name="Trust B", slug="trust-b", status=Program.Status.RUNNING)
    )
    people = {
        "outsider": ("Olga Outside", "olga@b.example.org", w.b),
        "member": ("Mia Member", "mia@a.example.org", w.a),
        "partner": ("Pia Partner", "pia@a.example.org", w.a),
        "partner2": ("Paul Partner", "paul@a.example.org", w.a),
        "extra": ("Ezra Extra", "ezra@a.example.org", w.a),
    }
    for role, (name, email, program) in people.items():
        user = person(name, email)
        w.users[role] = user
        membership = cast(Membership, MembershipFactory(program=program, user=user))
        ProfileFactory(membership=membership, display_name=name.split()[0])
        w.memberships[role] = membership
    for role, (name, email, program) in {
        "coordinator": ("Cora Coordinator", "cora@a.example.org", w.a),
        "coordinator_b": ("Ben Coordinator", "ben@b.example.org", w.b),
    }.items():
        w.users[role] = person(name, email)
        w.memberships[role] = cast(
            Membership, CoordinatorFactory(program=program, user=w.users[role])
        )
    # A partnership in program B: bait for fields a client must not set.
    b_partner = person("Bea Bystander", "bea@b.example.org")
    w.memberships["b_partner"] = cast(Membership, MembershipFactory(program=w.b, user=b_partner))
    w.objects["partnership_b"] = partnership_create_from_match(
        program=w.b, memberships=[w.memberships["outsider"], w.memberships["b_partner"]]
    )
    w.users["admin"] = person("Ada Admin", "ada@site.example.org", is_staff=True, is_superuser=True)
    coordinator = w.users["coordinator"]

    # Matching: one published run (the partnership), one finished run to review, one rule.
    published = run_with_proposals(w.a, [w.memberships["partner"], w.memberships["partner2"]])
    match_run_publish(run_id=published.pk, actor=coordinator)
    w.partnership = Partnership.objects.get(proposal__run=published)
    w.seats = list(w.partnership.seats.order_by("joined_at", "id"))
    seat, seat2 = w.seats
    run = run_with_proposals(w.a, [w.memberships["member"], w.memberships["extra"]])
    w.objects["run"] = run
    w.objects["proposal"] = run.proposals.first()
    low, high = sorted([w.memberships["member"], w.memberships["extra"]], key=lambda m: m.pk)
    w.objects["rule"] = MatchRuleFactory(
        program=w.a, kind=MatchRule.Kind.FORBID, membership_a=low, membership_b=high
    )

    # Meetings: an agreed weekly series, notes, a commitment, a pending proposal and move.
    starts_on = clock.today() + timedelta(days=7)
    series = meetings.series_propose(
        partnership=w.partnership,
        seat=seat,
        starts_on=starts_on,
        start_time=time(18, 0),
        time_zone="Europe/London",
    )
    meetings.series_accept(series=series, seat=seat2)
    meeting, second = list(w.partnership.meetings.order_by("starts_at"))[:2]
    w.objects["meeting"] = meeting
    w.objects["meeting2"] = second
    # A one-off meeting yesterday, marked held: pulses are asked about held meetings.
    held = MeetingFactory(
        partnership=w.partnership,
        original_start=clock.now() - timedelta(days=1),
        starts_at=clock.now() - timedelta(days=1),
        duration_minutes=60,
        time_zone="Europe/London",
    )
    w.objects["meeting_held"] = meetings.meeting_mark(
        meeting=held, seat=seat, status="held", present_seat_ids=[seat.pk, seat2.pk]
    )
    w.objects["note_private"] = meetings.note_create(
        meeting=meeting, seat=seat, body=PRIVATE_NOTE, visibility="private"
    )
    w.objects["note_shared"] = meetings.note_create(
        meeting=meeting, seat=seat, body=SHARED_NOTE, visibility="shared"
    )
    w.objects["commitment"] = meetings.commitment_set(
        meeting=meeting, seat=seat, text="Read chapter three"
    )
    w.objects["series_pending"] = meetings.series_propose(
        partnership=w.partnership,
        seat=seat,
        starts_on=starts_on + timedelta(days=1),
        start_time=time(19, 0),
        time_zone="Europe/London",
    )
    w.objects["reschedule"] = meetings.meeting_reschedule_propose(
        meeting=second,
        seat=seat,
        on=starts_on + timedelta(days=9),
        at=time(20, 0),
        time_zone="Europe/London",
    )
    w.objects["feed_token"] = meetings.calendar_feed_rotate(user=w.users["partner"])

    # Program A's documents, resources, waitlist, invitation; partner 1's API token.
    w.objects["document"] = DocumentFactory(program=w.a, title="Guidebook", body="# Welcome")
    worksheet = Document(program=w.a, kind=Document.Kind.WORKSHEET, title="Worksheet")
    worksheet.file.save("worksheet.txt", ContentFile(b"Fill me in"), save=True)
    w.objects["worksheet"] = worksheet
    w.objects["resource"] = ResourceFactory(
        program=w.a, name="Helpline", contact="0800 000", when_to_use="When in doubt"
    )
    w.objects["waitlist_entry"] = WaitlistEntryFactory(
        program=w.a, email="wanda@waitlist.example.org", status=WaitlistEntry.Status.CONFIRMED
    )
    w.objects["invitation"] = InvitationFactory(
        program=w.a,
        email="ivan@invited.example.org",
        invited_by=coordinator,
        expires_at=clock.now() + timedelta(days=30),
    )
    w.objects["api_token"], w.objects["api_token_raw"] = api_token_create(
        user=w.users["partner"], label="Trust script"
    )
    _optional_content(w)
    _integrations(w)
    return w


def _optional_content(w: World) -> None:
    """Agreement, messages, rematch, goals and surveys, through their services once they exist."""
    seat, _seat2 = w.seats
    partner, partner2 = w.users["partner"], w.users["partner2"]
    agreements = _optional_module("tandem.partnerships.services.agreement")
    if agreements is not None:
        content = agreements.AgreementContent(
            cadence_weeks=1,
            meeting_minutes=60,
            channel="video",
            where="https://video.example.org/room",
            goals=(agreements.Goal(seat.pk, "Give a talk", date.today() + timedelta(days=60)),),
            incentive="Dinner",
        )
        version = agreements.agreement_propose(
            partnership=w.partnership, user=partner, content=content, base_number=None
        )
        w.objects["agreement_version"] = version
        for user in (partner, partner2):
            agreements.agreement_accept(
                partnership=w.partnership, user=user, number=version.number, promise=True
            )
    messages = _optional_module("tandem.partnerships.services.messages")
    if messages is not None:
        w.objects["message"] = messages.message_post(
            partnership=w.partnership, user=partner, body=MESSAGE_TEXT
        )
    life = _optional_module("tandem.partnerships.services.life")
    if life is not None:
        w.objects["rematch_request"] = life.rematch_request_create(
            partnership=w.partnership, user=partner2
        )
    goals = _optional_module("tandem.goals.services")
    if goals is not None:
        goal = goals.goal_create(
            seat=seat, title="Give a talk", why="Confidence", visibility="shared"
        )
        w.objects["goal"] = goal
        w.objects["goal_private"] = goals.goal_create(
            seat=seat, title="Private goal", visibility="private"
        )
        w.objects["step"] = goals.step_add(goal=goal, user=partner, title="Write an outline")
        w.objects["question"] = goals.question_add(
            program=w.a, survey_kind="kickoff", text="How is it going?", kind="scale"
        )
    worksheets = _optional_module("tandem.worksheets.services")
    if worksheets is not None:
        template = worksheets.worksheet_defaults_add(program=w.a, actor=w.users["coordinator"])[0]
        section = template.sections.order_by("position").first()
        question = section.questions.order_by("position").first()
        w.objects["worksheet_template"] = template
        w.objects["worksheet_section"] = section
        w.objects["worksheet_question"] = question
        w.objects["worksheet_copy"] = worksheets.worksheet_answers_save(
            partnership=w.partnership,
            seat=seat,
            template=template,
            answers=[worksheets.AnswerInput(question.pk, WORKSHEET_ANSWER, 0)],
        )
    support = _optional_module("tandem.support.services")
    if support is not None:
        w.objects["check_in"] = support.check_in_record(
            program=w.a,
            partnership=w.partnership,
            actor=w.users["coordinator"],
            answers=support.CheckInAnswers(
                channel="call", outcome="needs_a_hand", note="Coordinator's private note"
            ),
        )
        w.objects["help_flag"] = support.help_flag_raise(
            membership=w.memberships["member"], kind=Resource.Kind.OTHER
        )
        w.objects["check_in_template"] = support.check_in_template_add(
            program=w.a,
            actor=w.users["coordinator"],
            name="Before the mid-point",
            body="How are your goals coming along?",
        )


def _integrations(w: World) -> None:
    integrations = _optional_module("tandem.integrations.services")
    if integrations is not None:
        w.objects["endpoint"] = integrations.endpoint_create(
            program=w.a,
            actor=w.users["coordinator"],
            kind="webhook",
            url="https://crm.example.org/tandem",
            events=["member.joined"],
        ).endpoint


def _optional_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
