"""Writes for support: the cadence, check-ins, check-in messages, and help requests.

Every write is one transaction; the cadence and the check-ins are in the audit log (never a
note's or a message's text).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import AnswersInvalid, Conflict, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.core.zones import day_in_zone
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.zones import viewer_zone
from tandem.support import selectors, tasks
from tandem.support.models import (
    EVERY_WEEKS_MAX,
    EVERY_WEEKS_MIN,
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TEMPLATE_NAME_MAX_LENGTH,
    CheckIn,
    CheckInTemplate,
    HelpFlag,
    SupportPlan,
)

RECORDABLE_CHANNELS = [c for c in CheckIn.Channel if c != CheckIn.Channel.MESSAGE]
RECORDABLE_OUTCOMES = [o for o in CheckIn.Outcome if o != CheckIn.Outcome.ASKED]


def msg_every_weeks() -> str:
    return _("Check in every %(min)d to %(max)d weeks.") % {
        "min": EVERY_WEEKS_MIN,
        "max": EVERY_WEEKS_MAX,
    }


def msg_too_long(limit: int, length: int) -> str:
    return _("Keep it to %(limit)d characters (this is %(length)d).") % {
        "limit": limit,
        "length": length,
    }


class CheckInInvalid(AnswersInvalid):
    """Several answers of a check-in need a change; ``errors`` maps each field to what to fix."""


@transaction.atomic
def support_plan_update(
    *, program: Program, actor: Any, every_weeks: int, after_first_meeting: bool
) -> SupportPlan:
    """Set how often the program's coordinators check in with each partnership."""
    if not EVERY_WEEKS_MIN <= every_weeks <= EVERY_WEEKS_MAX:
        raise ValidationFailed(msg_every_weeks(), field="every_weeks")
    plan, _created = SupportPlan.objects.select_for_update().get_or_create(program=program)
    before = {"every_weeks": plan.every_weeks, "after_first_meeting": plan.after_first_meeting}
    plan.every_weeks = every_weeks
    plan.after_first_meeting = after_first_meeting
    plan.updated_at = clock.now()
    plan.save()
    after = {"every_weeks": every_weeks, "after_first_meeting": after_first_meeting}
    if after != before:
        audit_record(
            action=AuditEvent.Action.SUPPORT_PLAN_CHANGED,
            actor=actor,
            program=program,
            subject_label=str(program),
            before=before,
            after=after,
        )
    return plan


def _active(program: Program, partnership: Partnership) -> Partnership:
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.program_id != program.pk:
        raise Conflict(_("That partnership is not in this program."))
    if locked.status == Partnership.Status.ENDED:
        raise Conflict(_("This partnership has ended: there is nobody to check in with."))
    return locked


def _audit(check_in: CheckIn, action: str, actor: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        program=check_in.program,
        subject_label=f"Partnership #{check_in.partnership_id}",
        after={
            "partnership": check_in.partnership_id,
            "channel": check_in.channel,
            "outcome": check_in.outcome,
        },
    )


def check_in_day_problem(on: date | None) -> str | None:
    """Return what is wrong with the day of a check-in (None when it is fine: today or before)."""
    if on is not None and on > clock.today():
        return _("A check-in cannot happen in the future: pick today or an earlier day.")
    return None


@dataclass(frozen=True)
class CheckInAnswers:
    channel: str
    outcome: str
    note: str = ""
    on: date | None = None  # the day it happened; today when empty


@transaction.atomic
def check_in_record(
    *, program: Program, partnership: Partnership, actor: Any, answers: CheckInAnswers
) -> CheckIn:
    """Record that a coordinator was in touch with a partnership; every problem at once."""
    errors: dict[str, str] = {}
    if answers.channel not in RECORDABLE_CHANNELS:
        errors["channel"] = _("Choose how you were in touch.")
    if answers.outcome not in RECORDABLE_OUTCOMES:
        errors["outcome"] = _("Choose how it is going.")
    note = answers.note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = msg_too_long(NOTE_MAX_LENGTH, len(note))
    now = clock.now()
    day_problem = check_in_day_problem(answers.on)
    if day_problem:
        errors["on"] = day_problem
    if errors:
        raise CheckInInvalid(errors)
    locked = _active(program, partnership)
    occurred_at = now
    if answers.on is not None and answers.on < now.date():
        occurred_at = datetime.combine(answers.on, time(12, 0), tzinfo=now.tzinfo)
    check_in = CheckIn.objects.create(
        program=program,
        partnership=locked,
        coordinator=actor,
        occurred_at=occurred_at,
        channel=answers.channel,
        outcome=answers.outcome,
        note=note,
    )
    _audit(check_in, AuditEvent.Action.CHECK_IN_RECORDED, actor)
    return check_in


@transaction.atomic
def check_in_message_send(
    *, program: Program, partnership: Partnership, actor: Any, message: str
) -> CheckIn:
    """Email the partners a check-in message (replies reach the coordinator) and record it."""
    text = message.strip()
    if not text:
        raise ValidationFailed(_("Write the message the partners will read."), field="message")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationFailed(msg_too_long(MESSAGE_MAX_LENGTH, len(text)), field="message")
    locked = _active(program, partnership)
    check_in = CheckIn.objects.create(
        program=program,
        partnership=locked,
        coordinator=actor,
        channel=CheckIn.Channel.MESSAGE,
        outcome=CheckIn.Outcome.ASKED,
        message=text,
    )
    _audit(check_in, AuditEvent.Action.CHECK_IN_SENT, actor)
    transaction.on_commit(
        partial(tasks.check_in_message_email_send.enqueue, check_in_id=check_in.pk)
    )
    return check_in


# --- The program's own check-in messages ------------------------------------------------------


class CheckInTemplateInvalid(AnswersInvalid):
    """A check-in message's name or text needs a change; ``errors`` says what, for each."""


def _msg_name_taken(name: str) -> str:
    return _('The program has a message called "%(name)s" already: choose another name.') % {
        "name": name
    }


def _template_save(template: CheckInTemplate, **kwargs: Any) -> None:
    # The database keeps names unique too: a twin saved a moment earlier gets the same message.
    try:
        with transaction.atomic():
            template.save(**kwargs)
    except IntegrityError:
        raise CheckInTemplateInvalid({"name": _msg_name_taken(template.name)}) from None


def _template_problems(
    *, program: Program, name: str, body: str, template: CheckInTemplate | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _('Give the message a name, such as "After the first meeting".')
    elif len(name) > TEMPLATE_NAME_MAX_LENGTH:
        errors["name"] = msg_too_long(TEMPLATE_NAME_MAX_LENGTH, len(name))
    else:
        taken = CheckInTemplate.objects.filter(program=program).alias(lower=Lower("name"))
        if template is not None:
            taken = taken.exclude(pk=template.pk)
        if taken.filter(lower=name.lower()).exists():
            errors["name"] = _(
                'The program has a message called "%(name)s" already: choose another name.'
            ) % {"name": name}
    if not body:
        errors["body"] = _("Write the message the partners will read.")
    elif len(body) > MESSAGE_MAX_LENGTH:
        errors["body"] = msg_too_long(MESSAGE_MAX_LENGTH, len(body))
    return errors


def _audit_template(
    template: CheckInTemplate, actor: Any, *, before: dict[str, str], after: dict[str, str]
) -> None:
    audit_record(
        action=AuditEvent.Action.CHECK_IN_TEMPLATE_CHANGED,
        actor=actor,
        program=template.program,
        subject_label=template.name,
        before=before,
        after=after,
    )


@transaction.atomic
def check_in_template_add(*, program: Program, actor: Any, name: str, body: str) -> CheckInTemplate:
    """Keep a new check-in message for the program's coordinators; every problem at once."""
    name, body = name.strip(), body.strip()
    errors = _template_problems(program=program, name=name, body=body, template=None)
    if errors:
        raise CheckInTemplateInvalid(errors)
    template = CheckInTemplate(program=program, name=name, body=body)
    _template_save(template)
    _audit_template(template, actor, before={}, after={"name": name})
    return template


@transaction.atomic
def check_in_template_update(
    *, template: CheckInTemplate, actor: Any, name: str, body: str
) -> CheckInTemplate:
    """Reword or rename one of the program's check-in messages; every problem at once."""
    locked = CheckInTemplate.objects.select_for_update().get(pk=template.pk)
    name, body = name.strip(), body.strip()
    errors = _template_problems(program=locked.program, name=name, body=body, template=locked)
    if errors:
        raise CheckInTemplateInvalid(errors)
    before = {"name": locked.name}
    changed = {"name": name} if name != locked.name else {}
    if body != locked.body:
        changed["text"] = "changed"
    locked.name, locked.body, locked.updated_at = name, body, clock.now()
    _template_save(locked, update_fields=["name", "body", "updated_at"])
    if changed:
        _audit_template(locked, actor, before=before, after={"name": name, **changed})
    return locked


@transaction.atomic
def check_in_template_remove(*, template: CheckInTemplate, actor: Any) -> None:
    """Remove one of the program's check-in messages (the check-ins sent from it keep their text)."""
    _audit_template(template, actor, before={"name": template.name}, after={"removed": "yes"})
    CheckInTemplate.objects.filter(pk=template.pk).delete()


# --- Help requests ----------------------------------------------------------------------------

HELP_KIND_UNKNOWN = gettext_lazy("Pick the kind of help you need from the list.")
HELP_FLAG_ALREADY_HANDLED = gettext_lazy("{name} already marked this request handled on {day}.")
HELP_FLAG_ALREADY_OPEN = gettext_lazy(
    "This request for help is open already: there is nothing to reopen."
)


@transaction.atomic
def help_flag_raise(*, membership: Membership, kind: str) -> HelpFlag:
    """Raise a private flag to the program's coordinators: who, and which kind of help only."""
    allowed = {value for value, _label in selectors.help_kinds_for(program=membership.program)}
    if kind not in allowed:
        raise ValidationFailed(HELP_KIND_UNKNOWN, field="kind")
    flag = HelpFlag.objects.create(program=membership.program, membership=membership, kind=kind)
    # The kind only: who asked stays between the member and the program's coordinators.
    event_emit(
        EventType.HELP_REQUEST_RAISED,
        program_id=membership.program_id,
        key=str(flag.pk),
        data={"help_request_id": flag.pk, "kind": kind},
    )
    transaction.on_commit(partial(tasks.help_flag_email_send.enqueue, flag_id=flag.pk))
    return flag


@transaction.atomic
def help_flag_handle(*, flag: HelpFlag, user: Any) -> HelpFlag:
    """Mark a help flag handled by this coordinator, now (once: a second press is refused)."""
    locked = HelpFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.handled_at is not None:
        by = locked.handled_by
        name = by.get_full_name() if by is not None else "A coordinator"
        zone = viewer_zone(program=flag.program, user=user)
        raise Conflict(
            HELP_FLAG_ALREADY_HANDLED.format(name=name, day=day_in_zone(locked.handled_at, zone))
        )
    locked.handled_at = clock.now()
    locked.handled_by = user
    locked.save(update_fields=["handled_at", "handled_by"])
    return locked


@transaction.atomic
def help_flag_reopen(*, flag: HelpFlag) -> HelpFlag:
    """Reopen a help flag marked handled by mistake (who and when are cleared)."""
    locked = HelpFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.handled_at is None:
        raise Conflict(HELP_FLAG_ALREADY_OPEN)
    locked.handled_at = None
    locked.handled_by = None
    locked.save(update_fields=["handled_at", "handled_by"])
    return locked
