"""Reads for announcements and intake reminders: who receives them, and what was sent."""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from tandem.announcements.models import Announcement, AnnouncementOptOut, IntakeReminder
from tandem.core.errors import NotFound
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import member_list

UNSUBSCRIBE_SALT = "tandem.announcements.unsubscribe"


@dataclass(frozen=True)
class Audience:
    """Who an announcement reaches: the people emailed and the opted-out who are skipped."""

    recipients: int
    opted_out: int


def announcement_audience(
    *, program: Program, member_status: str = "", partnership_state: str = ""
) -> QuerySet[Membership]:
    """Return the members a segment names (opted-out included), oldest first.

    Everyone means every member who has not left (coordinators are not members); a status is
    the member status the roster shows (``MemberStatus``). One query.
    """
    members = member_list(program=program, status=member_status or None).exclude(
        status=Membership.Status.LEFT
    )
    if partnership_state:
        live = PartnershipMember.objects.filter(membership=OuterRef("pk"), active=True)
        state = Announcement.PartnershipState
        if partnership_state == state.UNMATCHED:
            members = members.exclude(Exists(live))
        else:
            wanted = Partnership.Status.ACTIVE
            if partnership_state == state.PAUSED:
                wanted = Partnership.Status.PAUSED
            members = members.filter(Exists(live.filter(partnership__status=wanted)))
    opted_out = AnnouncementOptOut.objects.filter(membership=OuterRef("pk"))
    return (
        members.annotate(opted_out=Exists(opted_out))
        .select_related("user")
        .order_by("created_at", "id")
    )


def announcement_audience_count(
    *, program: Program, member_status: str = "", partnership_state: str = ""
) -> Audience:
    """Return how many people a segment emails and how many opted out, in one query."""
    rows = announcement_audience(
        program=program, member_status=member_status, partnership_state=partnership_state
    )
    flags = [bool(getattr(m, "opted_out", False)) for m in rows.select_related(None).only("id")]
    return Audience(recipients=flags.count(False), opted_out=flags.count(True))


def announcement_list(*, program: Program) -> QuerySet[Announcement]:
    """Return the program's announcements, newest first, with authors and emails delivered."""
    return (
        Announcement.objects.filter(program=program)
        .select_related("author")
        .annotate(delivered=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)))
    )


def intake_unfinished(*, program: Program) -> QuerySet[Membership]:
    """Return the program's members whose intake is not submitted with consent yet."""
    complete = Q(profile__submitted_at__isnull=False, profile__consent_at__isnull=False)
    return (
        Membership.objects.filter(program=program, role=Membership.Role.MEMBER)
        .exclude(status=Membership.Status.LEFT)
        .exclude(complete)
        .annotate(
            opted_out=Exists(AnnouncementOptOut.objects.filter(membership=OuterRef("pk"))),
        )
        .select_related("user")
        .order_by("created_at", "id")
    )


def intake_reminder_last_sent(*, membership_ids: list[int]) -> dict[int, datetime]:
    """Return the latest reminder instant per membership, in one query."""
    return dict(
        IntakeReminder.objects.filter(membership_id__in=membership_ids)
        .order_by()
        .values("membership_id")
        .annotate(last=Max("sent_at"))
        .values_list("membership_id", "last")
    )


def unsubscribe_token(*, membership: Membership) -> str:
    """Return the secret for a member's unsubscribe link (signed, so nothing is stored)."""
    return signing.dumps(membership.pk, salt=UNSUBSCRIBE_SALT)


def membership_by_unsubscribe_token(*, token: str) -> Membership:
    """Return the membership an unsubscribe link names; NotFound for a wrong token."""
    try:
        membership_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise NotFound() from exc
    membership = (
        Membership.objects.select_related("program", "user").filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound()
    return membership
