"""Support API (``/api/v1/support``): the check-ins due, a partnership's check-ins, the cadence;
and help requests, at the addresses they had before they moved here (``help_router``, mounted at
the API's root): a member raises one under ``/goals``, coordinators handle them under
``/dashboard``.

The program's coordinators only, with the same rules as the pages, except that a member (never
a coordinator) raises a help request; anyone else gets 404.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from tandem.api.errors import errors
from tandem.api.pagination import Pages
from tandem.core.errors import NotFound
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program, access_program_as_coordinator
from tandem.support import selectors, services
from tandem.support.models import CheckIn, CheckInTemplate, HelpFlag, SupportPlan

router = Router(tags=["support"])
help_router = Router(tags=["support"])


class LastCheckInOut(Schema):
    occurred_at: datetime
    channel: str
    outcome: str


class QueueRowOut(Schema):
    partnership_id: int
    partners: list[str]
    state: str
    due_on: date
    signals: list[str]
    last_check_in: LastCheckInOut | None


class CheckInOut(Schema):
    id: int
    occurred_at: datetime
    channel: str
    outcome: str
    note: str
    message: str
    coordinator: str | None

    @staticmethod
    def resolve_coordinator(obj: CheckIn) -> str | None:
        user = obj.coordinator
        return (user.name or user.email) if user is not None else None


class CheckInIn(Schema):
    channel: str
    outcome: str
    note: str = ""
    on: date | None = None


class CheckInMessageIn(Schema):
    message: str


class PlanOut(Schema):
    every_weeks: int
    after_first_meeting: bool


class PlanIn(Schema):
    every_weeks: int
    after_first_meeting: bool = True


@router.get("/{slug}", response={200: list[QueueRowOut], **errors(404)})
def queue(request: HttpRequest, slug: str) -> list[QueueRowOut]:
    """List every active partnership with its check-in state, most urgent first."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return [
        QueueRowOut(
            partnership_id=row.partnership.pk,
            partners=row.partner_names,
            state=row.state,
            due_on=row.due_on,
            signals=[str(s.label) for s in row.signals],
            last_check_in=LastCheckInOut(
                occurred_at=row.last_check_in.occurred_at,
                channel=row.last_check_in.channel,
                outcome=row.last_check_in.outcome,
            )
            if row.last_check_in
            else None,
        )
        for row in selectors.support_queue(program=program)
    ]


@router.get("/{slug}/plan", response={200: PlanOut, **errors(404)})
def plan_get(request: HttpRequest, slug: str) -> SupportPlan:
    """Return the program's support cadence."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return selectors.plan_for(program=program)


@router.put("/{slug}/plan", response={200: PlanOut, **errors(400, 403, 404, 422)})
def plan_put(request: HttpRequest, slug: str, payload: PlanIn) -> SupportPlan:
    """Set the program's support cadence (1 to 26 weeks)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return services.support_plan_update(
        program=program,
        actor=request.user,
        every_weeks=payload.every_weeks,
        after_first_meeting=payload.after_first_meeting,
    )


@router.get(
    "/{slug}/partnerships/{int:pk}/check-ins", response={200: list[CheckInOut], **errors(404)}
)
def check_in_list(request: HttpRequest, slug: str, pk: int) -> list[CheckIn]:
    """List a partnership's check-ins, newest first, notes included (coordinators only)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    partnership = selectors.access_support_partnership(program=program, partnership_id=pk)
    return selectors.check_ins_of(partnership=partnership)


@router.post(
    "/{slug}/partnerships/{int:pk}/check-ins",
    response={201: CheckInOut, **errors(400, 403, 404, 409, 422)},
)
def check_in_create(
    request: HttpRequest, slug: str, pk: int, payload: CheckInIn
) -> Status[CheckInOut]:
    """Record a check-in (every problem at once in ``errors``; 409 once the partnership ended)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    partnership = selectors.access_support_partnership(program=program, partnership_id=pk)
    check_in = services.check_in_record(
        program=program,
        partnership=partnership,
        actor=request.user,
        answers=services.CheckInAnswers(**payload.model_dump()),
    )
    return Status(201, CheckInOut.model_validate(check_in, from_attributes=True))


@router.post(
    "/{slug}/partnerships/{int:pk}/message",
    response={201: CheckInOut, **errors(400, 403, 404, 409, 422)},
)
def check_in_message(
    request: HttpRequest, slug: str, pk: int, payload: CheckInMessageIn
) -> Status[CheckInOut]:
    """Email the partners a check-in message (replies go to you) and record it."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    partnership = selectors.access_support_partnership(program=program, partnership_id=pk)
    check_in = services.check_in_message_send(
        program=program, partnership=partnership, actor=request.user, message=payload.message
    )
    return Status(201, CheckInOut.model_validate(check_in, from_attributes=True))


# --- Check-in messages ------------------------------------------------------------------------


class MessageChoiceOut(Schema):
    key: str
    id: int | None
    name: str
    body: str
    own: bool

    @staticmethod
    def of(choice: selectors.MessageChoice) -> "MessageChoiceOut":
        return MessageChoiceOut(
            key=choice.key,
            id=choice.template.pk if choice.template else None,
            name=str(choice.name),
            body=str(choice.body),
            own=choice.own,
        )


class CheckInTemplateIn(Schema):
    name: str
    body: str


class CheckInTemplatePatchIn(Schema):
    name: str | None = None
    body: str | None = None


@router.get("/{slug}/messages", response={200: list[MessageChoiceOut], **errors(404)})
def message_list(request: HttpRequest, slug: str) -> list[MessageChoiceOut]:
    """List the check-in messages: the program's own (``own``, with an ``id``), then Tandem's."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return [MessageChoiceOut.of(c) for c in selectors.message_choices(program=program)]


def _template_out(template: CheckInTemplate) -> MessageChoiceOut:
    return MessageChoiceOut.of(
        selectors.MessageChoice(
            f"{selectors.OWN_KEY_PREFIX}{template.pk}", template.name, template.body, template
        )
    )


@router.post("/{slug}/messages", response={201: MessageChoiceOut, **errors(400, 403, 404, 422)})
def message_create(
    request: HttpRequest, slug: str, payload: CheckInTemplateIn
) -> Status[MessageChoiceOut]:
    """Keep a check-in message for the program (every problem at once in ``errors``)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    template = services.check_in_template_add(
        program=program, actor=request.user, name=payload.name, body=payload.body
    )
    return Status(201, _template_out(template))


@router.patch(
    "/{slug}/messages/{int:pk}", response={200: MessageChoiceOut, **errors(400, 403, 404, 422)}
)
def message_update(
    request: HttpRequest, slug: str, pk: int, payload: CheckInTemplatePatchIn
) -> MessageChoiceOut:
    """Rename or reword one of the program's check-in messages; send only what changes."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    template = selectors.access_check_in_template(program=program, pk=pk)
    template = services.check_in_template_update(
        template=template,
        actor=request.user,
        name=template.name if payload.name is None else payload.name,
        body=template.body if payload.body is None else payload.body,
    )
    return _template_out(template)


@router.delete("/{slug}/messages/{int:pk}", response={204: None, **errors(403, 404)})
def message_delete(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """Remove one of the program's check-in messages."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    template = selectors.access_check_in_template(program=program, pk=pk)
    services.check_in_template_remove(template=template, actor=request.user)
    return Status(204, None)


# --- Help requests ----------------------------------------------------------------------------


class HelpFlagIn(Schema):
    kind: str


class HelpFlagRaisedOut(Schema):
    id: int
    kind: str
    raised_at: datetime


class HelpFlagOut(Schema):
    id: int
    member: str
    kind: str
    raised_at: datetime
    handled_at: datetime | None
    handled_by: str | None

    @staticmethod
    def resolve_member(obj: HelpFlag) -> str:
        return member_name(obj.membership)

    @staticmethod
    def resolve_handled_by(obj: HelpFlag) -> str | None:
        user = obj.handled_by
        return user.get_full_name() if user is not None else None


@help_router.post(
    "/goals/programs/{slug}/help-flags",
    response={201: HelpFlagRaisedOut, **errors(400, 403, 404, 422)},
)
def help_flag_raise(request: HttpRequest, slug: str, payload: HelpFlagIn) -> Status:
    """Raise "I need more help than a peer can give" (members only)."""
    _program, membership = access_program(user=request.user, slug=slug)
    if membership.is_coordinator:
        raise NotFound()
    return Status(201, services.help_flag_raise(membership=membership, kind=payload.kind))


@help_router.get(
    "/dashboard/{slug}/help-flags", response={200: list[HelpFlagOut], **errors(404, 422)}
)
@paginate(Pages, page_size=selectors.HELP_FLAG_PAGE_SIZE)
def help_flags(request: HttpRequest, slug: str) -> QuerySet[HelpFlag]:
    """List who asked for more help and which kind (nothing else): open ones first."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return selectors.help_flag_list(program=program)


@help_router.post(
    "/dashboard/{slug}/help-flags/{int:pk}/handled",
    response={200: HelpFlagOut, **errors(403, 404, 409)},
)
def help_flag_handle(request: HttpRequest, slug: str, pk: int) -> HelpFlag:
    """Mark a help request handled (409 when a coordinator already did)."""
    return _help_flag_action(
        request, slug, pk, lambda flag: services.help_flag_handle(flag=flag, user=request.user)
    )


@help_router.post(
    "/dashboard/{slug}/help-flags/{int:pk}/reopen",
    response={200: HelpFlagOut, **errors(403, 404, 409)},
)
def help_flag_reopen(request: HttpRequest, slug: str, pk: int) -> HelpFlag:
    """Reopen a help request marked handled by mistake (409 when it is open already)."""
    return _help_flag_action(request, slug, pk, lambda flag: services.help_flag_reopen(flag=flag))


def _help_flag_action(
    request: HttpRequest, slug: str, pk: int, action: Callable[[HelpFlag], object]
) -> HelpFlag:
    """Run ``action`` on one of the program's help flags (coordinators only); return it as listed."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    flag = selectors.access_help_flag_as_coordinator(program=program, pk=pk)
    action(flag)
    return selectors.help_flag_list(program=program).get(pk=flag.pk)
