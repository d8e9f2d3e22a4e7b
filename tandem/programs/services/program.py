"""Programs: create and configure a program, and manage who coordinates it.

Status transitions (the only moves ``program_update`` accepts):

    draft       -> waitlist, intake_open, closed
    waitlist    -> draft, intake_open, closed
    intake_open -> waitlist, running, closed
    running     -> closed
    closed      -> (none: closed is final)
"""

import html
import re
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop, pgettext

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.programs import slots
from tandem.programs.models import Invitation, Membership, Program

Status = Program.Status

STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.WAITLIST, Status.INTAKE_OPEN, Status.CLOSED}),
    Status.WAITLIST: frozenset({Status.DRAFT, Status.INTAKE_OPEN, Status.CLOSED}),
    Status.INTAKE_OPEN: frozenset({Status.WAITLIST, Status.RUNNING, Status.CLOSED}),
    Status.RUNNING: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Fixed words under /p/ that a program's address must not take.
RESERVED_SLUGS = frozenset(
    {"new", "api", "admin", "invitations", "invitation", "invite", "join", "waitlist", "static"}
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The key dates in the order they must fall; each label is how the form names the field
# (translated where a message names it).
DATE_FIELDS: list[tuple[str, str]] = [
    ("kickoff_on", gettext_noop("kick-off")),
    ("midpoint_on", gettext_noop("mid-point check-in")),
    ("ends_on", gettext_noop("end")),
    ("recap_on", gettext_noop("recap")),
]

# Fields of a program that ``program_update`` may change.
EDITABLE_FIELDS = (
    "name",
    "slug",
    "description",
    "audience",
    "status",
    "kickoff_on",
    "midpoint_on",
    "ends_on",
    "recap_on",
    "cadence_weeks",
    "meeting_minutes",
    "format",
    "circle_size_min",
    "circle_size_max",
    "allow_trios",
    "both_gain",
    "cooling_off_days",
    "confidentiality_rules",
)

EMAIL_NOT_VERIFIED = gettext_noop("Confirm your email address before you start a program.")
NOT_APPROVED_TO_START = gettext_noop(
    "On this site a site admin approves who may start programs. Ask one of them (the people "
    "who run this Tandem) to approve your account, then come back to this page."
)
NAME_REQUIRED = gettext_noop("Give the program a name.")
NAME_TOO_LONG = gettext_noop("Keep the name to 120 characters or fewer.")
AUDIENCE_TOO_LONG = gettext_noop("Keep the audience to 200 characters or fewer.")
SLUG_INVALID = gettext_noop(
    "Use only lowercase letters, digits and single hyphens in the web address (e.g. spanish-for-skiers)."
)
SLUG_TOO_LONG = gettext_noop("Keep the web address to 80 characters or fewer.")
SLUG_RESERVED = gettext_noop("“{slug}” is reserved; choose another web address.")
SLUG_TAKEN = gettext_noop("Another program already uses the web address “{slug}”; choose another.")
STATUS_UNKNOWN = gettext_noop("Choose a status: draft, waitlist, intake open, running or closed.")
STATUS_CLOSED_IS_FINAL = gettext_noop(
    "This program is closed, and a closed program cannot be reopened."
)
STATUS_NOT_ALLOWED = gettext_noop(
    "A program that is {current} cannot become {target}; next it can be: {allowed}."
)
DATE_ORDER = gettext_noop("The {later} must be on or after the {earlier} ({earlier_date}).")
CADENCE_RANGE = gettext_noop("Meet every 1 to 12 weeks.")
MEETING_MINUTES_RANGE = gettext_noop("A meeting lasts 15 to 240 minutes.")
FORMAT_UNKNOWN = gettext_noop("Choose a format: pairs or circles.")
BOTH_GAIN_UNKNOWN = gettext_noop(
    "Choose what counts as both gaining: skill_swap, shared_goals or off."
)
COOLING_OFF_MAX_DAYS = 90
COOLING_OFF_RANGE = gettext_noop(
    "The cooling-off after an ending lasts 0 to {max_days} days (0: partners may be matched "
    "again at once)."
)
CIRCLE_SIZE_RANGE = gettext_noop(
    "Circles have 3 to 5 people: set the smallest and largest size between 3 and 5."
)
CIRCLE_SIZE_ORDER = gettext_noop("The largest circle size cannot be smaller than the smallest.")

COORDINATOR_EMAIL_INVALID = gettext_noop("Enter the email address of the person to add.")
COORDINATOR_ALREADY = gettext_noop("{email} already coordinates this program.")
COORDINATOR_NOT_FOUND = gettext_noop("That person does not coordinate this program.")
COORDINATOR_LAST = gettext_noop(
    "A program needs at least one coordinator: add another coordinator before removing this one."
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ProgramInvalid(ValidationFailed):
    """One or more settings break a rule; ``errors`` holds every problem, first one first."""

    def __init__(self, errors: list[ValidationFailed]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors

    def problems(self) -> list[tuple[str | None, str]]:
        return [(error.field, error.message) for error in self.errors]


def user_has_verified_email(user: Any) -> bool:
    """Return True if the person has confirmed the address they sign in with."""
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=user.email).exists()


def user_may_start_programs(user: Any) -> bool:
    """Return True if the site lets this person start programs (TANDEM_PROGRAM_CREATORS)."""
    if settings.TANDEM_PROGRAM_CREATORS == "everyone":
        return True
    return bool(user.is_superuser or user.may_start_programs)


def program_slug_suggest(*, name: str) -> str:
    """Return a free web address made from the name (``spanish``, ``spanish-2``, ...).

    Markup in the name is dropped first: "<b>Mentors</b> 2027" gives ``mentors-2027``.
    """
    text = html.unescape(strip_tags(name))
    base = slugify(text)[:70].strip("-") or "program"
    if base in RESERVED_SLUGS:
        base = f"{base}-program"
    taken = set(Program.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _status_label(value: str) -> str:
    return str(Status(value).label).lower()


def program_check(*, values: dict[str, Any], program: Program | None = None) -> None:
    """Raise ProgramInvalid listing every rule ``values`` (a full set of settings) breaks.

    ``program`` is the program being changed (None when creating): it decides which status
    moves are allowed and lets the program keep its own web address.
    """
    errors: list[ValidationFailed] = []

    name = (values.get("name") or "").strip()
    if not name:
        errors.append(ValidationFailed(NAME_REQUIRED, field="name"))
    elif len(name) > 120:
        errors.append(ValidationFailed(NAME_TOO_LONG, field="name"))
    if len(values.get("audience") or "") > 200:
        errors.append(ValidationFailed(AUDIENCE_TOO_LONG, field="audience"))

    slug = values.get("slug") or ""
    if len(slug) > 80:
        errors.append(ValidationFailed(SLUG_TOO_LONG, field="slug"))
    elif not SLUG_RE.match(slug):
        errors.append(ValidationFailed(SLUG_INVALID, field="slug"))
    elif slug in RESERVED_SLUGS:
        errors.append(ValidationFailed(gettext(SLUG_RESERVED).format(slug=slug), field="slug"))
    else:
        others = Program.objects.filter(slug=slug)
        if program is not None:
            others = others.exclude(pk=program.pk)
        if others.exists():
            errors.append(ValidationFailed(gettext(SLUG_TAKEN).format(slug=slug), field="slug"))

    status = values.get("status")
    if status not in Status.values:
        errors.append(ValidationFailed(STATUS_UNKNOWN, field="status"))
    elif program is not None and status != program.status:
        allowed = STATUS_TRANSITIONS[program.status]
        if program.status == Status.CLOSED:
            errors.append(ValidationFailed(STATUS_CLOSED_IS_FINAL, field="status"))
        elif status not in allowed:
            message = gettext(STATUS_NOT_ALLOWED).format(
                current=_status_label(program.status),
                target=_status_label(status),
                allowed=", ".join(_status_label(s) for s in Status.values if s in allowed),
            )
            errors.append(ValidationFailed(message, field="status"))

    # Each date must not come before any earlier one that is set (not only its neighbour).
    seen: list[tuple[str, date]] = []
    for field, label in DATE_FIELDS:
        value = values.get(field)
        if value is None:
            continue
        for earlier_label, earlier_value in seen:
            if value < earlier_value:
                message = gettext(DATE_ORDER).format(
                    later=gettext(label),
                    earlier=gettext(earlier_label),
                    earlier_date=date_format(
                        earlier_value, pgettext("day, month and year", "j F Y")
                    ),
                )
                errors.append(ValidationFailed(message, field=field))
                break
        seen.append((label, value))

    cadence = values.get("cadence_weeks")
    if not isinstance(cadence, int) or not 1 <= cadence <= 12:
        errors.append(ValidationFailed(CADENCE_RANGE, field="cadence_weeks"))
    minutes = values.get("meeting_minutes")
    if not isinstance(minutes, int) or not 15 <= minutes <= 240:
        errors.append(ValidationFailed(MEETING_MINUTES_RANGE, field="meeting_minutes"))

    if values.get("format") not in Program.Format.values:
        errors.append(ValidationFailed(FORMAT_UNKNOWN, field="format"))
    if values.get("both_gain") not in Program.BothGain.values:
        errors.append(ValidationFailed(BOTH_GAIN_UNKNOWN, field="both_gain"))
    cooling_off = values.get("cooling_off_days")
    if not isinstance(cooling_off, int) or not 0 <= cooling_off <= COOLING_OFF_MAX_DAYS:
        message = gettext(COOLING_OFF_RANGE).format(max_days=COOLING_OFF_MAX_DAYS)
        errors.append(ValidationFailed(message, field="cooling_off_days"))
    size_min, size_max = values.get("circle_size_min"), values.get("circle_size_max")
    if not isinstance(size_min, int) or not 3 <= size_min <= 5:
        errors.append(ValidationFailed(CIRCLE_SIZE_RANGE, field="circle_size_min"))
    elif not isinstance(size_max, int) or not 3 <= size_max <= 5:
        errors.append(ValidationFailed(CIRCLE_SIZE_RANGE, field="circle_size_max"))
    elif size_max < size_min:
        errors.append(ValidationFailed(CIRCLE_SIZE_ORDER, field="circle_size_max"))

    if errors:
        raise ProgramInvalid(errors)


def _values_of(program: Program) -> dict[str, Any]:
    return {field: getattr(program, field) for field in EDITABLE_FIELDS}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def program_create(
    *,
    creator: Any,
    name: str,
    slug: str = "",
    description: str = "",
    audience: str = "",
) -> Program:
    """Create a draft program; the creator becomes its first coordinator.

    Without a ``slug`` one is made from the name. Everything else starts at the defaults and
    is set afterwards with ``program_update``.
    """
    if not user_may_start_programs(creator):
        raise NotAllowed(NOT_APPROVED_TO_START)
    if not user_has_verified_email(creator):
        raise ValidationFailed(EMAIL_NOT_VERIFIED)
    defaults = Program()
    values = _values_of(defaults)
    values.update(
        name=name.strip(),
        slug=slug.strip() or program_slug_suggest(name=name),
        description=description.strip(),
        audience=audience.strip(),
        status=Status.DRAFT,
    )
    program_check(values=values)
    program = Program.objects.create(**values)
    Membership.objects.create(
        program=program,
        user=creator,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.READY,
    )
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=creator,
        subject_label=creator.email,
        program=program,
        before={"role": None},
        after={"role": Membership.Role.COORDINATOR},
    )
    slots.program_created(program=program, creator=creator)
    return program


@transaction.atomic
def program_update(*, program: Program, actor: Any, **changes: Any) -> Program:
    """Change a program's settings; only the fields in EDITABLE_FIELDS are read from ``changes``.

    Every rule is checked against the settings as they will be after the change; on success
    an audit event records the fields that changed.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    before = _values_of(program)
    values = dict(before)
    for field in EDITABLE_FIELDS:
        if field in changes:
            value = changes[field]
            values[field] = value.strip() if isinstance(value, str) else value
    program_check(values=values, program=program)

    changed = [field for field in EDITABLE_FIELDS if values[field] != before[field]]
    if not changed:
        return program
    for field in changed:
        setattr(program, field, values[field])
    program.save(update_fields=changed)
    if "status" in changed and program.status == Status.CLOSED:
        slots.program_closing(program=program, actor=actor)
        event_emit(
            EventType.PROGRAM_CLOSED,
            program_id=program.pk,
            key=clock.now().isoformat(),
            data={"ends_on": program.ends_on.isoformat() if program.ends_on else None},
        )
    audit_record(
        action=AuditEvent.Action.PROGRAM_CHANGED,
        actor=actor,
        subject_label=program.name,
        program=program,
        before={field: _jsonable(before[field]) for field in changed},
        after={field: _jsonable(values[field]) for field in changed},
    )
    return program


@transaction.atomic
def coordinator_add(*, program: Program, email: str, added_by: Any) -> Membership | Invitation:
    """Make the person with ``email`` a coordinator of the program.

    Someone with an account becomes coordinator at once (a member is promoted); anyone else
    is sent an invitation with the coordinator role. Returns the membership or invitation.
    """
    from tandem.accounts.models import User
    from tandem.programs.services.invitations import invitation_send

    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise ValidationFailed(COORDINATOR_EMAIL_INVALID, field="email")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return invitation_send(
            program=program, email=email, role=Membership.Role.COORDINATOR, invited_by=added_by
        )

    membership = Membership.objects.select_for_update().filter(program=program, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            program=program,
            user=user,
            role=Membership.Role.COORDINATOR,
            status=Membership.Status.READY,
        )
        before: dict[str, Any] = {"role": None}
    else:
        if membership.is_coordinator and membership.status != Membership.Status.LEFT:
            raise Conflict(gettext(COORDINATOR_ALREADY).format(email=user.email), field="email")
        before = {"role": membership.role, "status": membership.status}
        membership.role = Membership.Role.COORDINATOR
        if membership.status == Membership.Status.LEFT:
            membership.status = Membership.Status.READY
        membership.save(update_fields=["role", "status"])
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=added_by,
        subject_label=user.email,
        program=program,
        before=before,
        after={"role": membership.role, "status": membership.status},
    )
    return membership


@transaction.atomic
def coordinator_remove(*, program: Program, membership_id: int, removed_by: Any) -> Membership:
    """Take away someone's coordinator role; they leave the program. Never the last coordinator."""
    # Lock every coordinator row so that two removals at once cannot leave none.
    coordinators = list(
        Membership.objects.select_for_update()
        .filter(program=program, role=Membership.Role.COORDINATOR)
        .exclude(status=Membership.Status.LEFT)
        .select_related("user")
    )
    membership = next((m for m in coordinators if m.pk == membership_id), None)
    if membership is None:
        raise NotFound(COORDINATOR_NOT_FOUND)
    if len(coordinators) <= 1:
        raise Conflict(COORDINATOR_LAST)
    before = {"role": membership.role, "status": membership.status}
    membership.role = Membership.Role.MEMBER
    membership.status = Membership.Status.LEFT
    membership.save(update_fields=["role", "status"])
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=removed_by,
        subject_label=membership.user.email,
        program=program,
        before=before,
        after={"role": membership.role, "status": membership.status},
    )
    return membership
