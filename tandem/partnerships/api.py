"""Partnerships API (``/api/v1/partnerships``): my partnerships, ground rules, pause/resume/end,
a new match, messages, the message preference and closing well (exit survey, staying in touch). Partners only: anyone else gets 404, the same
answer as a missing partnership. Same services as the pages; fields a client may not set
(author, partnership, acceptances) are not in the input schemas and are ignored if sent."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tandem.api.errors import errors
from tandem.core import clock
from tandem.partnerships.models import Message, PartnershipMember
from tandem.partnerships.selectors.agreement import agreement_overview
from tandem.partnerships.selectors.closing import closing_overview
from tandem.partnerships.selectors.life import seat_name
from tandem.partnerships.selectors.messages import message_list, message_preference_get
from tandem.partnerships.selectors.partnership import access_partnership_seat, partnership_list_for
from tandem.partnerships.services.agreement import (
    AgreementContent,
    Goal,
    agreement_accept,
    agreement_propose,
)
from tandem.partnerships.services.closing import (
    closing_choice_set,
    exit_survey_answer,
    next_cohort_join,
)
from tandem.partnerships.services.life import (
    partnership_end,
    partnership_pause,
    partnership_resume,
    rematch_request_create,
)
from tandem.partnerships.services.messages import message_post, message_preference_set

router = Router(tags=["partnerships"])


class PartnerOut(Schema):
    partner: int = Field(description="The partner's seat id (used for goals).")
    name: str
    active: bool


class PartnershipOut(Schema):
    id: int
    program: str
    program_name: str
    status: str
    started_at: datetime
    partners: list[PartnerOut]


class StatusOut(Schema):
    id: int
    status: str


class GoalIO(Schema):
    partner: int = Field(description="Seat id of the partner the goal belongs to.")
    text: str
    deadline: date


class AgreementIn(Schema):
    base_version: int | None = Field(
        None, description="The version you edited (null for the first proposal)."
    )
    cadence_weeks: int
    meeting_minutes: int
    channel: str = Field(description='"phone", "video" or "in person".')
    where: str = ""
    goals: list[GoalIO] = []
    incentive: str = ""


class VersionOut(Schema):
    number: int
    author: str
    created_at: datetime
    cadence_weeks: int
    meeting_minutes: int
    channel: str
    where: str
    goals: list[GoalIO]
    incentive: str
    confidentiality_rules: str
    agreed_at: datetime | None


class AcceptanceOut(Schema):
    partner: int
    name: str
    accepted_at: datetime | None
    reviewed: bool


class HistoryOut(Schema):
    number: int
    author: str
    created_at: datetime
    changes: list[str]
    agreed_at: datetime | None


class AgreementOut(Schema):
    current: VersionOut | None
    agreed: bool
    review_from: date | None
    needs_review: bool
    acceptances: list[AcceptanceOut]
    history: list[HistoryOut]


class AcceptIn(Schema):
    version: int
    confidentiality: bool = Field(description="You keep the confidentiality promise.")


class PauseIn(Schema):
    reason: str = ""


class EndIn(Schema):
    end_reason: str = Field(
        description="goals_reached, program_over, no_time, not_a_fit, left or other."
    )
    details: str = Field("", description="Shown to your partners.")
    feedback: str = Field("", description="Read by the program's coordinators.")


class RematchOut(Schema):
    id: int
    requested_at: datetime


class MessageIn(Schema):
    body: str


class MessageOut(Schema):
    id: int
    author: str
    author_partner: int
    mine: bool
    body: str
    created_at: datetime


class PreferenceIO(Schema):
    notify: str = Field(description='"each", "digest" or "none".')


def _partners(seats: list[PartnershipMember]) -> list[dict]:
    return [{"partner": s.pk, "name": seat_name(s), "active": s.active} for s in seats]


@router.get("/", response={200: list[PartnershipOut], **errors()}, summary="List my partnerships")
def partnership_list_endpoint(request: HttpRequest) -> list[dict]:
    """The partnerships you sit in, in any program and any status."""
    return [
        {
            "id": p.pk,
            "program": p.program.slug,
            "program_name": p.program.name,
            "status": p.status,
            "started_at": p.started_at,
            "partners": _partners(list(p.seats.all())),
        }
        for p in partnership_list_for(user=request.user)
    ]


def _agreement_out(request: HttpRequest, pk: int) -> dict:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    overview = agreement_overview(partnership=partnership, seat=seat, today=clock.today())
    current = None
    if overview.current is not None:
        v = overview.current.version
        current = {
            "number": v.number,
            "author": overview.current.author_name,
            "created_at": v.created_at,
            "cadence_weeks": v.cadence_weeks,
            "meeting_minutes": v.meeting_minutes,
            "channel": v.channel,
            "where": v.where,
            "goals": [
                {"partner": g["seat"], "text": g["text"], "deadline": g["deadline"]}
                for g in v.goals
            ],
            "incentive": v.incentive,
            "confidentiality_rules": v.confidentiality_rules,
            "agreed_at": v.agreed_at,
        }
    return {
        "current": current,
        "agreed": overview.is_agreed,
        "review_from": overview.review_from,
        "needs_review": overview.needs_review,
        "acceptances": [
            {
                "partner": p.seat_id,
                "name": p.name,
                "accepted_at": p.accepted_at,
                "reviewed": p.reviewed,
            }
            for p in overview.partners
        ],
        "history": [
            {
                "number": h.version.number,
                "author": h.author_name,
                "created_at": h.version.created_at,
                "changes": h.changes,
                "agreed_at": h.version.agreed_at,
            }
            for h in overview.history
        ],
    }


@router.get(
    "/{pk}/agreement",
    response={200: AgreementOut, **errors(404, 422)},
    summary="Get the ground rules",
)
def agreement_get_endpoint(request: HttpRequest, pk: int) -> dict:
    """The current version, who accepted it, the mid-point review and the history."""
    return _agreement_out(request, pk)


@router.post(
    "/{pk}/agreement",
    response={201: AgreementOut, **errors(400, 403, 404, 409, 422)},
    summary="Propose or edit the ground rules (a new version)",
)
def agreement_propose_endpoint(request: HttpRequest, pk: int, payload: AgreementIn) -> Status:
    """Save a new version; 409 when someone saved a version after ``base_version``."""
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    agreement_propose(
        partnership=partnership,
        user=request.user,
        base_number=payload.base_version,
        content=AgreementContent(
            cadence_weeks=payload.cadence_weeks,
            meeting_minutes=payload.meeting_minutes,
            channel=payload.channel,
            where=payload.where,
            goals=tuple(
                Goal(seat_id=g.partner, text=g.text, deadline=g.deadline) for g in payload.goals
            ),
            incentive=payload.incentive,
        ),
    )
    return Status(201, _agreement_out(request, pk))


@router.post(
    "/{pk}/agreement/accept",
    response={200: AgreementOut, **errors(400, 403, 404, 409, 422)},
    summary="Accept the current version (again: still good)",
)
def agreement_accept_endpoint(request: HttpRequest, pk: int, payload: AcceptIn) -> dict:
    """Accept ``version`` with the confidentiality promise; 409 when it is no longer current."""
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    agreement_accept(
        partnership=partnership,
        user=request.user,
        number=payload.version,
        promise=payload.confidentiality,
    )
    return _agreement_out(request, pk)


@router.post(
    "/{pk}/pause",
    response={200: StatusOut, **errors(400, 403, 404, 409, 422)},
    summary="Pause the partnership",
)
def pause_endpoint(request: HttpRequest, pk: int, payload: PauseIn) -> dict:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    event = partnership_pause(partnership=partnership, user=request.user, reason=payload.reason)
    return {"id": partnership.pk, "status": event.partnership.status}


@router.post(
    "/{pk}/resume",
    response={200: StatusOut, **errors(403, 404, 409, 422)},
    summary="Resume the partnership",
)
def resume_endpoint(request: HttpRequest, pk: int) -> dict:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    event = partnership_resume(partnership=partnership, user=request.user)
    return {"id": partnership.pk, "status": event.partnership.status}


@router.post(
    "/{pk}/end",
    response={200: StatusOut, **errors(400, 403, 404, 409, 422)},
    summary="End the partnership (frees every partner to be matched again)",
)
def end_endpoint(request: HttpRequest, pk: int, payload: EndIn) -> dict:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    event = partnership_end(
        partnership=partnership,
        user=request.user,
        end_reason=payload.end_reason,
        details=payload.details,
        feedback=payload.feedback,
    )
    return {"id": partnership.pk, "status": event.partnership.status}


@router.post(
    "/{pk}/rematch",
    response={201: RematchOut, **errors(403, 404, 409, 422)},
    summary="Ask the coordinator for a new match",
)
def rematch_endpoint(request: HttpRequest, pk: int) -> Status:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    request_row = rematch_request_create(partnership=partnership, user=request.user)
    return Status(201, {"id": request_row.pk, "requested_at": request_row.requested_at})


def _message_out(message: Message, seat: PartnershipMember) -> dict:
    return {
        "id": message.pk,
        "author": seat_name(message.author),
        "author_partner": message.author_id,
        "mine": message.author_id == seat.pk,
        "body": message.body,
        "created_at": message.created_at,
    }


@router.get(
    "/{pk}/messages",
    response={200: list[MessageOut], **errors(404, 422)},
    summary="List messages (the latest 50, or before/after a message id)",
)
def message_list_endpoint(
    request: HttpRequest, pk: int, before: int | None = None, after: int | None = None
) -> list[dict]:
    """Oldest first. ``before`` pages back; ``after`` returns what is new since a message."""
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    items = message_list(partnership=partnership, before_id=before, after_id=after)
    return [_message_out(m, seat) for m in items]


@router.post(
    "/{pk}/messages",
    response={201: MessageOut, **errors(400, 403, 404, 409, 422)},
    summary="Post a message (plain text or Markdown, up to 2,000 characters)",
)
def message_post_endpoint(request: HttpRequest, pk: int, payload: MessageIn) -> Status:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    message = message_post(partnership=partnership, user=request.user, body=payload.body)
    return Status(201, _message_out(message, seat))


@router.get(
    "/{pk}/message-preference",
    response={200: PreferenceIO, **errors(404, 422)},
    summary="How you hear about new messages",
)
def preference_get_endpoint(request: HttpRequest, pk: int) -> dict:
    _, seat = access_partnership_seat(user=request.user, pk=pk)
    return {"notify": message_preference_get(seat=seat).notify}


@router.put(
    "/{pk}/message-preference",
    response={200: PreferenceIO, **errors(400, 403, 404, 422)},
    summary="Choose: an email per message, a daily digest, or none",
)
def preference_set_endpoint(request: HttpRequest, pk: int, payload: PreferenceIO) -> dict:
    _, seat = access_partnership_seat(user=request.user, pk=pk)
    return {"notify": message_preference_set(seat=seat, notify=payload.notify).notify}


# -- closing well ------------------------------------------------------------------------


class ExitSurveyIn(Schema):
    usefulness: int = Field(description="How useful the partnership was, 1 (not at all) to 5.")
    what_worked: str = ""
    could_be_better: str = ""
    would_take_part_again: bool


class ExitSurveyOut(ExitSurveyIn):
    answered_at: datetime


class ClosingChoiceIO(Schema):
    stay_in_touch: bool = Field(
        description="Let your partners see your email address (shown once all of them chose it)."
    )
    alumni_listed: bool = Field(description="Show you (name and email) in the alumni list.")


class ContactOut(Schema):
    name: str
    email: str = Field(description="Empty until every partner chose to stay in touch.")


class NextCohortOut(Schema):
    slug: str
    name: str
    status: str


class ClosingOut(ClosingChoiceIO):
    ended: bool
    survey: ExitSurveyOut | None
    in_touch: bool
    partners: list[ContactOut]
    next_cohort: NextCohortOut | None


def _survey_out(survey: object) -> dict | None:
    if survey is None:
        return None
    return {
        field: getattr(survey, field)
        for field in (
            "usefulness",
            "what_worked",
            "could_be_better",
            "would_take_part_again",
            "answered_at",
        )
    }


@router.get(
    "/{pk}/closing",
    response={200: ClosingOut, **errors(404, 422)},
    summary="My closing page: my exit survey, my choices, my partners' contacts",
)
def closing_get_endpoint(request: HttpRequest, pk: int) -> dict:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    closing = closing_overview(partnership=partnership, seat=seat)
    cohort = closing.next_cohort
    return {
        "ended": closing.ended,
        "survey": _survey_out(closing.survey),
        "stay_in_touch": closing.stay_in_touch,
        "alumni_listed": closing.alumni_listed,
        "in_touch": closing.in_touch,
        "partners": [{"name": p.name, "email": p.email} for p in closing.partners],
        "next_cohort": (
            {"slug": cohort.slug, "name": cohort.name, "status": cohort.status}
            if cohort is not None and not (closing.in_next_cohort or closing.asked_next_cohort)
            else None
        ),
    }


@router.post(
    "/{pk}/closing/survey",
    response={201: ExitSurveyOut, **errors(400, 403, 404, 409, 422)},
    summary="Answer the exit survey of an ended partnership (once)",
)
def closing_survey_endpoint(request: HttpRequest, pk: int, payload: ExitSurveyIn) -> Status:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    survey = exit_survey_answer(partnership=partnership, user=request.user, **payload.dict())
    return Status(201, _survey_out(survey))


@router.put(
    "/{pk}/closing/choice",
    response={200: ClosingChoiceIO, **errors(400, 403, 404, 409, 422)},
    summary="Stay in touch with my partners, and be in the alumni list (or not)",
)
def closing_choice_endpoint(request: HttpRequest, pk: int, payload: ClosingChoiceIO) -> dict:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    choice = closing_choice_set(
        partnership=partnership,
        user=request.user,
        stay_in_touch=payload.stay_in_touch,
        alumni_listed=payload.alumni_listed,
    )
    return {"stay_in_touch": choice.stay_in_touch, "alumni_listed": choice.alumni_listed}


class JoinedOut(Schema):
    program: str = Field(description="The next cohort's slug.")
    detail: str = Field(description="What happens next (a waitlist or an invitation email).")


@router.post(
    "/{pk}/closing/next-cohort",
    response={200: JoinedOut, **errors(403, 404, 409, 422)},
    summary="Join the next cohort of an ended partnership's program",
)
def closing_next_cohort_endpoint(request: HttpRequest, pk: int) -> dict:
    partnership, _ = access_partnership_seat(user=request.user, pk=pk)
    cohort, answer = next_cohort_join(partnership=partnership, user=request.user)
    return {"program": cohort.slug, "detail": answer}
