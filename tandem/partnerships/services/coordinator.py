"""Coordinator actions on a program's partnerships and members: end a partnership, change a
member's status, pause a member, remove a member from the program.

Every action locks its rows, is recorded in the audit log and, when partners are affected,
queues their email through the worker (the same event email as a partner's own end).
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.partnerships.models import Partnership, PartnershipEvent, PartnershipMember
from tandem.partnerships.services.life import MSG_END_REASON, check_length, partnership_close
from tandem.programs.models import Membership, Program
from tandem.programs.names import member_name
from tandem.programs.selectors.member_status import MemberStatus

MSG_ALREADY_ENDED = gettext_noop("This partnership has ended already; there is nothing to end.")
MSG_COORDINATOR_REASON = gettext_noop(
    "Say why you end the partnership (the partners do not see this text)."
)
MSG_STATUS_UNKNOWN = gettext_noop(
    "Choose one of the statuses offered: filling the intake, ready, or paused."
)
MSG_STATUS_SAME = gettext_noop("{name} is already “{status}”.")
MSG_STATUS_LEFT = gettext_noop("{name} has left the program; invite them again to bring them back.")
MSG_STATUS_INTAKE_INCOMPLETE = gettext_noop(
    "{name} has not finished the intake (answers and consent), so they cannot be ready for "
    "matching yet."
)
MSG_STATUS_IN_PARTNERSHIP = gettext_noop(
    "{name} is in a live partnership: end it first, or pause them (the partnership keeps running)."
)
MSG_REMOVE_REASON = gettext_noop("Say why {name} leaves the program (kept in the audit log).")
MSG_ALREADY_LEFT = gettext_noop("{name} has already left the program.")
# Kept with each ending for coordinators (the endings table, the audit log).
REASON_PROGRAM_CLOSED = "The program was closed."

# What a coordinator may set on the member page; "matched" comes from a partnership and
# "left" from removing the member.
SETTABLE_STATUSES = (
    Membership.Status.INTAKE,
    Membership.Status.READY,
    Membership.Status.PAUSED,
)


def _name(membership: Membership) -> str:
    return member_name(membership, address="full")


def _has_profile(membership: Membership) -> bool:
    try:
        membership.profile  # noqa: B018 - the reverse one-to-one raises when there is none
    except Membership.profile.RelatedObjectDoesNotExist:
        return False
    return True


def _member_locked(*, program: Program, membership_id: int) -> Membership:
    """Lock and return a member (not a coordinator) of the program; NotFound otherwise."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "profile")
        .filter(program=program, pk=membership_id, role=Membership.Role.MEMBER)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _live_partnership_locked(membership: Membership) -> Partnership | None:
    seat = PartnershipMember.objects.filter(membership=membership, active=True).first()
    if seat is None:
        return None
    return Partnership.objects.select_for_update().get(pk=seat.partnership_id)


def _end(*, partnership: Partnership, actor: Any, end_reason: str, reason: str) -> PartnershipEvent:
    before = partnership.status
    event = partnership_close(
        partnership=partnership,
        seat=None,
        end_reason=end_reason,
        coordinator_feedback=reason,
        by_coordinator=True,
    )
    audit_record(
        action=AuditEvent.Action.PARTNERSHIP_ENDED,
        actor=actor,
        subject_label=f"Partnership #{partnership.pk}",
        program=partnership.program,
        before={"partnership": partnership.pk, "status": before},
        after={
            "partnership": partnership.pk,
            "status": Partnership.Status.ENDED.value,
            "end_reason": end_reason,
            "reason": reason,
        },
    )
    return event


@transaction.atomic
def partnership_end_by_coordinator(
    *, program: Program, partnership_id: int, actor: Any, end_reason: str, reason: str
) -> PartnershipEvent:
    """End one of the program's partnerships for the partners, with the coordinator's reason.

    The reason is kept for coordinators (the endings table, the audit log); the partners get
    the usual email saying their coordinator ended it. Seats are freed and matched members go
    back to "ready for matching", as when partners end it themselves.
    """
    problems: dict[str, str] = {}
    if end_reason not in PartnershipEvent.EndReason.values:
        problems["end_reason"] = gettext(MSG_END_REASON)
    reason = reason.strip()
    if not reason:
        problems["reason"] = gettext(MSG_COORDINATOR_REASON)
    if problems:
        field = next(iter(problems)) if len(problems) == 1 else None
        raise ValidationFailed(" ".join(problems.values()), field=field)
    reason = check_length(reason, field="reason")
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(program=program, pk=partnership_id)
        .first()
    )
    if partnership is None:
        raise NotFound()
    if partnership.status == Partnership.Status.ENDED:
        raise Conflict(MSG_ALREADY_ENDED)
    return _end(partnership=partnership, actor=actor, end_reason=end_reason, reason=reason)


def _cooling_off_end(*, membership: Membership, program: Program, actor: Any) -> Membership:
    until = membership.cooling_off_until
    membership.cooling_off_until = None
    membership.save(update_fields=["cooling_off_until", "updated_at"])
    audit_record(
        action=AuditEvent.Action.MEMBER_STATUS_CHANGED,
        actor=actor,
        subject_label=membership.user.email,
        program=program,
        before={
            "status": MemberStatus.COOLING_OFF.value,
            "until": until.isoformat() if until else None,
        },
        after={"status": MemberStatus.READY.value},
    )
    return membership


@transaction.atomic
def membership_status_set(
    *, program: Program, membership_id: int, status: str, actor: Any
) -> Membership:
    """Set a member's status to filling the intake, ready for matching, or paused.

    Ready needs a finished intake; nobody in a live partnership goes back to the intake or to
    ready (they would look unmatched). Ready for a member cooling off after an ending ends the
    cooling-off at once. Pausing keeps a live partnership running and takes the
    member out of later matching.
    """
    membership = _member_locked(program=program, membership_id=membership_id)
    name = _name(membership)
    if status not in SETTABLE_STATUSES:
        raise ValidationFailed(MSG_STATUS_UNKNOWN, field="status")
    if membership.status == Membership.Status.LEFT:
        raise Conflict(gettext(MSG_STATUS_LEFT).format(name=name))
    cooling_off = membership.cooling_off_until is not None and (
        membership.cooling_off_until > clock.now()
    )
    if membership.status == status == Membership.Status.READY and cooling_off:
        # "Ready for matching" on a member who is cooling off ends the cooling-off now.
        return _cooling_off_end(membership=membership, program=program, actor=actor)
    if membership.status == status:
        raise Conflict(
            gettext(MSG_STATUS_SAME).format(
                name=name, status=Membership.Status(status).label.lower()
            )
        )
    live = PartnershipMember.objects.filter(membership=membership, active=True).exists()
    if live and status != Membership.Status.PAUSED:
        raise Conflict(gettext(MSG_STATUS_IN_PARTNERSHIP).format(name=name), field="status")
    if status == Membership.Status.READY:
        profile = membership.profile if _has_profile(membership) else None
        if profile is None or profile.submitted_at is None or profile.consent_at is None:
            raise ValidationFailed(
                gettext(MSG_STATUS_INTAKE_INCOMPLETE).format(name=name), field="status"
            )
    before = membership.status
    membership.status = status
    membership.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.MEMBER_STATUS_CHANGED,
        actor=actor,
        subject_label=membership.user.email,
        program=program,
        before={"status": before},
        after={"status": status},
    )
    return membership


@transaction.atomic
def membership_remove(
    *, program: Program, membership_id: int, actor: Any, reason: str
) -> Membership:
    """Remove a member from the program (status "left"), ending their live partnership.

    The partnership ends for everyone in it (reason "Someone left the organisation"); the
    other partners are told by email and go back to "ready for matching", so the coordinator
    can pair them again. Their notes, goals and history stay with the partners.
    """
    membership = _member_locked(program=program, membership_id=membership_id)
    name = _name(membership)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(gettext(MSG_REMOVE_REASON).format(name=name), field="reason")
    reason = check_length(reason, field="reason")
    if membership.status == Membership.Status.LEFT:
        raise Conflict(gettext(MSG_ALREADY_LEFT).format(name=name))
    before = membership.status
    partnership = _live_partnership_locked(membership)
    if partnership is not None:
        _end(
            partnership=partnership,
            actor=actor,
            end_reason=PartnershipEvent.EndReason.LEFT,
            reason=reason,
        )
    membership.status = Membership.Status.LEFT
    membership.updated_at = clock.now()
    membership.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        actor=actor,
        subject_label=membership.user.email,
        program=program,
        before={"status": before},
        after={"status": Membership.Status.LEFT.value, "reason": reason},
    )
    return membership


def program_partnerships_close(*, program: Program, actor: Any) -> None:
    """End every live partnership of a program being closed, no-fault ("The program is over").

    Called by ``program_update`` (through the ``program_closing`` slot) in its transaction, so
    the program's status and every ending commit together or not at all. Each ending is
    audited and its partners get the one ending email, which links to the closing page.
    """
    partnerships = list(
        Partnership.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(program=program)
        .exclude(status=Partnership.Status.ENDED)
        .order_by("pk")
    )
    for partnership in partnerships:
        _end(
            partnership=partnership,
            actor=actor,
            end_reason=PartnershipEvent.EndReason.PROGRAM_OVER,
            reason=REASON_PROGRAM_CLOSED,
        )
