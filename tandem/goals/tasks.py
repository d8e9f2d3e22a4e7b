"""Background tasks of the goals app (django-tasks-db worker). Each takes ids and claims its row
before sending (``core.emails.send_once``), so a retried task never sends twice."""

from django.tasks import task
from django.urls import reverse

from tandem.core import clock
from tandem.core.emails import email_build, send_once
from tandem.core.links import absolute_url
from tandem.goals.models import Goal, Nudge, SurveyInvitation
from tandem.partnerships.models import PartnershipMember
from tandem.programs.names import member_name


def _send(*, name: str, to: list[str], context: dict) -> None:
    email_build(name, folder="goals/email", to=to, context=context).send()


@task()
def goal_nudge_email_send(*, nudge_id: int) -> bool:
    """Email the goal's owner that a partner asks how it is going (once: ``emailed_at``)."""
    nudge = (
        Nudge.objects.select_related(
            "goal__owner__user", "goal__owner__profile", "sender__user", "sender__profile"
        )
        .filter(pk=nudge_id, emailed_at__isnull=True)
        .first()
    )
    if nudge is None:
        return False
    goal = nudge.goal
    return send_once(
        claim=lambda: Nudge.objects.filter(pk=nudge_id, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        ),
        send=lambda: _send(
            name="nudge",
            to=[goal.owner.user.email],
            context={
                "name": member_name(goal.owner),
                "sender": member_name(nudge.sender),
                "goal": goal,
                "goal_url": absolute_url(goal.get_absolute_url()),
            },
        ),
    )


@task()
def goal_completed_email_send(*, goal_id: int, seat_id: int | None = None) -> int:
    """Tell the goal's partners that its owner completed it (a private goal's title stays out).

    One email to each active partner but the owner, all claimed at once by
    ``partners_told_at``; returns how many went (0 when they went already). ``seat_id`` is
    ignored: tasks queued before the claim existed carry it, one per partner.
    """
    goal = (
        Goal.objects.select_related("owner__user", "owner__profile", "partnership__program")
        .filter(pk=goal_id, completed_at__isnull=False, partners_told_at__isnull=True)
        .first()
    )
    if goal is None:
        return 0
    seats = (
        PartnershipMember.objects.select_related("membership__user", "membership__profile")
        .filter(partnership_id=goal.partnership_id, active=True)
        .exclude(membership_id=goal.owner_id)
        .order_by("pk")
    )
    goals_url = absolute_url(reverse("goals:partnership", kwargs={"pk": goal.partnership_id}))
    emails = [
        email_build(
            "goal_completed",
            folder="goals/email",
            to=[seat.membership.user.email],
            context={
                "name": member_name(seat.membership),
                "owner": member_name(goal.owner),
                "goal": goal,
                "shared": goal.is_shared,
                "goals_url": goals_url,
            },
        )
        for seat in seats
    ]
    claimed = send_once(
        claim=lambda: Goal.objects.filter(pk=goal_id, partners_told_at__isnull=True).update(
            partners_told_at=clock.now()
        ),
        send=lambda: [email.send() for email in emails],
    )
    return len(emails) if claimed else 0


@task()
def survey_invitation_email_send(*, invitation_id: int) -> bool:
    """Ask one member to answer a survey; the claim on ``sent_at`` makes it go out once."""
    invitation = (
        SurveyInvitation.objects.select_related(
            "survey__program", "membership__user", "membership__profile"
        )
        .filter(pk=invitation_id, sent_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    survey = invitation.survey
    return send_once(
        claim=lambda: SurveyInvitation.objects.filter(
            pk=invitation_id, sent_at__isnull=True
        ).update(sent_at=clock.now()),
        send=lambda: _send(
            name="survey",
            to=[invitation.membership.user.email],
            context={
                "name": member_name(invitation.membership),
                "survey": survey,
                "program": survey.program,
                "survey_url": absolute_url(
                    reverse(
                        "goals:survey_answer",
                        kwargs={"slug": survey.program.slug, "kind": survey.kind},
                    )
                ),
            },
        ),
    )
