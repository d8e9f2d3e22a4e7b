"""A coordinator's program cockpit: where the program stands, the one next step, every page.

``COORDINATOR_PAGES`` is the one list of a program's coordinator pages: the cockpit shows it
and the reachability test (tests/trust/test_reachability.py) holds every page to it, so a new
coordinator page is added here by one line.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tandem.core import clock
from tandem.matching.models import MatchRun
from tandem.partnerships.models import Partnership, RematchRequest
from tandem.programs.models import Membership, Program, WaitlistEntry
from tandem.support.selectors import support_summary


@dataclass(frozen=True)
class CoordinatorPage:
    label: StrOrPromise
    url_name: str  # reversed with the program's slug
    about: StrOrPromise


# One line per coordinator page of a program, in the order a program lives through them.
COORDINATOR_PAGES: list[CoordinatorPage] = [
    CoordinatorPage(_("Waitlist"), "programs:waitlist_manage", _("Who is waiting; open the doors")),
    CoordinatorPage(_("Members"), "programs:roster", _("The roster: intake, status, invitations")),
    CoordinatorPage(_("Import members"), "programs:import", _("Add members from a CSV file")),
    CoordinatorPage(_("Matching"), "matching:runs", _("Run matching, review and publish")),
    CoordinatorPage(
        _("Pair by hand"), "matching:hand", _("Pair two members, or a circle, yourself")
    ),
    CoordinatorPage(
        _("Partnerships"),
        "dashboard:partnership_list",
        _("Every partnership and its health; end or reassign"),
    ),
    CoordinatorPage(
        _("Support"),
        "support:list",
        _("Check-ins due with each partnership, and warning signs"),
    ),
    CoordinatorPage(
        _("New-match requests"), "partnerships:rematch_queue", _("Partners asking for a new match")
    ),
    CoordinatorPage(_("Dashboard"), "dashboard:program", _("How the program is going, in figures")),
    CoordinatorPage(
        _("Announcements"), "announcements:list", _("Email everyone, or a group of members")
    ),
    CoordinatorPage(
        _("Surveys"), "goals:survey_manage", _("Kick-off, mid-point and recap questions")
    ),
    CoordinatorPage(
        _("Worksheets"), "worksheets:manage", _("What partners fill in together; how many are done")
    ),
    CoordinatorPage(_("Documents"), "programs:documents_manage", _("Guidebook and worksheets")),
    CoordinatorPage(_("Resources"), "programs:resources_manage", _("Where to turn beyond peers")),
    CoordinatorPage(
        _("Integrations"),
        "integrations:list",
        _("Webhooks, and posts to Slack or Teams; recent deliveries"),
    ),
    CoordinatorPage(_("Audit log"), "audit:log", _("Who did what, and when")),
    CoordinatorPage(_("Settings"), "programs:manage", _("Dates, format, coordinators, tags")),
    CoordinatorPage(
        _("Next cohort"), "cohorts:copy", _("Copy this program into a new draft for the next round")
    ),
]


class Stage(models.TextChoices):
    """Where a program stands in its life, in the order it lives through them."""

    DRAFT = "draft", _("Draft")
    WAITLIST = "waitlist", _("Waitlist")
    DOORS_OPEN = "doors_open", _("Doors open")
    INTAKE = "intake", _("Intake")
    MATCHING = "matching", _("Matching")
    RUNNING = "running", _("Running")
    MIDPOINT = "midpoint", _("Mid-point")
    RECAP = "recap", _("Recap")
    CLOSED = "closed", _("Closed")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    about: str = ""
    post: bool = False  # an action (a button in a form), not a page to open


@dataclass(frozen=True)
class Counts:
    members: int
    intake_done: int
    unmatched_ready: int
    waitlist: int
    partnerships: int
    rematch_requests: int
    check_ins_to_do: int = 0  # overdue, signalled or due this week

    @property
    def intake_missing(self) -> int:
        return self.members - self.intake_done


@dataclass(frozen=True)
class Cockpit:
    program: Program
    stage: Stage
    stages: Sequence[tuple[str, StrOrPromise]]
    counts: Counts
    review_run: MatchRun | None
    next_step: Link
    pages: list[Link]


def stage_of(*, program: Program, counts: Counts, today: date) -> Stage:
    """Return where the program stands in its life, from its status, dates and members."""
    status = program.status
    if status == Program.Status.DRAFT:
        return Stage.DRAFT
    if status == Program.Status.WAITLIST:
        return Stage.WAITLIST
    if status == Program.Status.CLOSED:
        return Stage.CLOSED
    if counts.partnerships == 0:
        if counts.members == 0:
            return Stage.DOORS_OPEN
        return Stage.INTAKE if counts.intake_missing else Stage.MATCHING
    if status == Program.Status.INTAKE_OPEN and counts.unmatched_ready:
        return Stage.MATCHING
    ended = [d for d in (program.ends_on, program.recap_on) if d is not None and today >= d]
    if ended:
        return Stage.RECAP
    if program.midpoint_on and today >= program.midpoint_on:
        return Stage.MIDPOINT
    return Stage.RUNNING


def _url(name: str, program: Program, **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": program.slug, **kwargs})


def next_step_of(
    *, program: Program, stage: Stage, counts: Counts, review_run: MatchRun | None
) -> Link:
    """Return the one thing to do next, as a button's label and address."""
    if counts.rematch_requests:
        label = ngettext(
            "%(n)d new-match request", "%(n)d new-match requests", counts.rematch_requests
        ) % {"n": counts.rematch_requests}
        return Link(label, _url("partnerships:rematch_queue", program))
    if stage == Stage.DRAFT:
        return Link(gettext("Set the dates and open the program"), _url("programs:manage", program))
    if stage == Stage.WAITLIST:
        label = ngettext(
            "%(n)d person on the waitlist: open the doors",
            "%(n)d people on the waitlist: open the doors",
            counts.waitlist,
        ) % {"n": counts.waitlist}
        return Link(label, _url("programs:waitlist_manage", program))
    if stage == Stage.DOORS_OPEN:
        return Link(gettext("Invite or import members"), _url("programs:import", program))
    if review_run is not None:
        return Link(
            gettext("Review match run %(n)d and publish it") % {"n": review_run.pk},
            _url("matching:review", program, pk=review_run.pk),
        )
    if stage == Stage.INTAKE:
        label = gettext(
            "%(done)d of %(all)d have finished their intake: remind the other %(rest)d"
        ) % {
            "done": counts.intake_done,
            "all": counts.members,
            "rest": counts.intake_missing,
        }
        return Link(label, _url("announcements:intake_remind", program), post=True)
    if stage == Stage.MATCHING:
        return Link(gettext("Run matching"), _url("matching:runs", program))
    if stage == Stage.CLOSED:
        return Link(gettext("Read the figures"), _url("dashboard:program", program))
    if counts.check_ins_to_do:
        label = ngettext(
            "%(n)d partnership to check in with",
            "%(n)d partnerships to check in with",
            counts.check_ins_to_do,
        ) % {"n": counts.check_ins_to_do}
        return Link(label, _url("support:list", program))
    if stage in (Stage.MIDPOINT, Stage.RECAP):
        return Link(gettext("Check the surveys"), _url("goals:survey_manage", program))
    return Link(gettext("See how the partnerships are going"), _url("dashboard:program", program))


def cockpit_for(*, program: Program) -> Cockpit:
    """Return the program's cockpit. A dozen queries, however large the program."""
    members = Membership.objects.filter(program=program, role=Membership.Role.MEMBER).exclude(
        status=Membership.Status.LEFT
    )
    done = Q(profile__submitted_at__isnull=False, profile__consent_at__isnull=False)
    member_counts = members.aggregate(
        members=Count("pk"),
        intake_done=Count("pk", filter=done),
        unmatched_ready=Count("pk", filter=done & Q(status=Membership.Status.READY)),
    )
    counts = Counts(
        members=member_counts["members"],
        intake_done=member_counts["intake_done"],
        unmatched_ready=member_counts["unmatched_ready"],
        waitlist=WaitlistEntry.objects.filter(
            program=program, status=WaitlistEntry.Status.CONFIRMED
        ).count(),
        partnerships=Partnership.objects.filter(program=program)
        .exclude(status=Partnership.Status.ENDED)
        .count(),
        rematch_requests=RematchRequest.objects.filter(
            program=program, handled_at__isnull=True
        ).count(),
        check_ins_to_do=support_summary(program=program).to_do,
    )
    # The latest run, when it is finished and waits for review (not once a later one is out).
    latest = MatchRun.objects.filter(program=program).order_by("-created_at", "-pk").first()
    review_run = latest if latest is not None and latest.status == MatchRun.Status.DONE else None
    stage = stage_of(program=program, counts=counts, today=clock.today())
    return Cockpit(
        program=program,
        stage=stage,
        stages=Stage.choices,
        counts=counts,
        review_run=review_run,
        next_step=next_step_of(program=program, stage=stage, counts=counts, review_run=review_run),
        pages=[
            Link(str(p.label), _url(p.url_name, program), str(p.about)) for p in COORDINATOR_PAGES
        ],
    )
