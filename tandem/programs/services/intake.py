"""The intake ("tell us about your goals"): validate a member's answers and save their profile.

The web form and the API both build an :class:`IntakeData` and call :func:`profile_submit`;
tags, availability and languages are normalised with the helpers of the member CSV
(``tandem.interchange.members_csv``) so an import and the intake agree on every spelling.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from tandem.accounts.slots import Identity
from tandem.core import clock
from tandem.core.errors import AnswersInvalid, Conflict
from tandem.core.zones import zone_is_known
from tandem.interchange.members_csv import (
    DEFAULT_LANGUAGE,
    MAX_GOALS,
    Slot,
    format_availability,
    normalise_tag,
    parse_availability,
    tag_key,
)
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.services.tags import tag_resolve

MAX_TAG_LENGTH = 60
MAX_GOALS_TEXT = 4000
MAX_MEETING_NEEDS = 1000
MAX_LIST_ITEMS = 30
TEXT_LIMITS: dict[str, int] = {
    "display_name": 80,
    "pronouns": 30,
    "organisation": 120,
    "department": 120,
    "city": 80,
}

# The member CSV says the same in English (tandem.interchange knows no Django); the intake
# says it in the member's language.
MSG_BAD_TIME_ZONE = gettext_noop(
    "Unknown time zone {value!r}; use an IANA zone name such as Europe/Madrid or America/New_York."
)
MSG_NAME_REQUIRED = gettext_noop("Tell us the name your partner should call you.")
MSG_TOO_LONG = gettext_noop("Keep this to {limit} characters or fewer (it has {length}).")
MSG_GOALS_TOO_LONG = gettext_noop(
    "Keep your goals to {limit} characters or fewer (they have {length})."
)
MSG_MEETING_NEEDS_TOO_LONG = gettext_noop(
    "Keep what would make meetings easier to {limit} characters or fewer (it has {length})."
)
MSG_TOO_MANY_THEMES = gettext_noop(
    "You chose {count} goal themes; keep the {limit} that matter most and remove the rest."
)
MSG_TOO_MANY_ITEMS = gettext_noop("List at most {limit} entries here (there are {count}).")
MSG_TAG_TOO_LONG = gettext_noop('"{tag}" is longer than {limit} characters; shorten it.')
MSG_BAD_STAGE = gettext_noop("Choose one of: student, early, mid, senior, executive.")
MSG_BAD_CHANNEL = gettext_noop("Choose phone, video or in person.")
MSG_TIME_ZONE_REQUIRED = gettext_noop(
    "Tell us your time zone, such as Europe/Madrid or America/New_York, so your free hours "
    "line up with your partner's."
)
MSG_CITY_REQUIRED = gettext_noop(
    "You chose to meet in person: tell us the city where you can meet."
)
MSG_BAD_SLOT = gettext_noop(
    "Free time {day} {start}-{end} is not a slot of one day: use day 0 (Monday) to 6 (Sunday) "
    "and minutes from 0 to 1440 with the end after the start."
)
MSG_BAD_EXCLUDED_EMAIL = gettext_noop(
    '"{value}" is not an email address; list addresses like ana@example.org.'
)
MSG_EXCLUDES_SELF = gettext_noop("{email} is your own address; remove it from the people to avoid.")
MSG_CONSENT_REQUIRED = gettext_noop("Tick the box to agree to the program's confidentiality rules.")
MSG_READ_ONLY_MATCHED = gettext_noop(
    "You have been matched, so your intake can no longer be changed. "
    "Tell your coordinator if something important has changed."
)
MSG_READ_ONLY_PROGRAM = {
    Program.Status.RUNNING: gettext_noop(
        "The program is running, so intakes can no longer be changed. "
        "Tell your coordinator if something important has changed."
    ),
    Program.Status.CLOSED: gettext_noop(
        "The program is closed, so intakes can no longer be changed. "
        "Tell your coordinator if something important has changed."
    ),
}
MSG_NOT_A_MEMBER = gettext_noop("Only members of the program fill in an intake.")

CLOSED_PROGRAM_STATUSES = (Program.Status.RUNNING, Program.Status.CLOSED)


class IntakeInvalid(AnswersInvalid):
    """One or more answers of an intake break a rule; ``errors`` maps each field to what to fix.

    Every answer is checked before raising, and an answer with several problems names them
    all in its one message, so a person fixes everything in one go.
    """


@dataclass(frozen=True)
class IntakeData:
    """A member's answers as typed; :func:`intake_clean` returns them normalised."""

    display_name: str
    time_zone: str
    consent: bool
    pronouns: str = ""
    goals_text: str = ""
    themes: Sequence[str] = ()
    offers: Sequence[str] = ()
    wants: Sequence[str] = ()
    stage: str = ""
    organisation: str = ""
    department: str = ""
    availability: Sequence[Slot] = ()
    channel: str = Profile.Channel.VIDEO
    city: str = ""
    languages: Sequence[str] = ()
    excluded_emails: Sequence[str] = field(default_factory=tuple)
    meeting_needs: str = ""


def split_list(text: str) -> list[str]:
    """Split what a person typed into a tag box (``;`` or ``,`` separated) into items."""
    return [item for item in text.replace(",", ";").split(";") if item.strip()]


def _dedupe_tags(items: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        name = normalise_tag(item)
        if name and tag_key(name) not in seen:
            seen.add(tag_key(name))
            out.append(name)
    return tuple(out)


def _add_error(errors: dict[str, str], name: str, message: str) -> None:
    """Record ``message`` for ``name``, after any problem already found in that answer."""
    errors[name] = f"{errors[name]} {message}" if name in errors else message


def _check_tags(name: str, tags: Sequence[str], errors: dict[str, str]) -> None:
    if len(tags) > MAX_LIST_ITEMS:
        _add_error(
            errors, name, gettext(MSG_TOO_MANY_ITEMS).format(limit=MAX_LIST_ITEMS, count=len(tags))
        )
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            _add_error(
                errors, name, gettext(MSG_TAG_TOO_LONG).format(tag=tag, limit=MAX_TAG_LENGTH)
            )


def _clean_slots(slots: Iterable[Slot], errors: dict[str, str]) -> tuple[Slot, ...]:
    checked: list[Slot] = []
    for slot in slots:
        if not (0 <= slot.day <= 6 and 0 <= slot.start < slot.end <= 1440):
            _add_error(
                errors,
                "availability",
                gettext(MSG_BAD_SLOT).format(day=slot.day, start=slot.start, end=slot.end),
            )
            continue
        checked.append(slot)
    if "availability" in errors:
        return ()
    # Merging through the CSV text form keeps the intake and the import identical by construction.
    return parse_availability(format_availability(sorted(checked)))


def _clean_emails(values: Iterable[str], own_email: str, errors: dict[str, str]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in values:
        value = raw.strip().lower()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            _add_error(
                errors, "excluded_emails", gettext(MSG_BAD_EXCLUDED_EMAIL).format(value=raw.strip())
            )
            continue
        if value == own_email.lower():
            _add_error(errors, "excluded_emails", gettext(MSG_EXCLUDES_SELF).format(email=value))
        elif value not in out:
            out.append(value)
    if len(out) > MAX_LIST_ITEMS:
        _add_error(
            errors,
            "excluded_emails",
            gettext(MSG_TOO_MANY_ITEMS).format(limit=MAX_LIST_ITEMS, count=len(out)),
        )
    return tuple(out)


def intake_clean(*, data: IntakeData, own_email: str) -> IntakeData:
    """Return the answers normalised, or raise IntakeInvalid naming every field to fix."""
    errors: dict[str, str] = {}
    texts = {name: " ".join(str(getattr(data, name)).split()) for name in TEXT_LIMITS}
    if not texts["display_name"]:
        errors["display_name"] = MSG_NAME_REQUIRED
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit and name not in errors:
            errors[name] = gettext(MSG_TOO_LONG).format(limit=limit, length=len(texts[name]))
    goals_text = data.goals_text.strip()
    if len(goals_text) > MAX_GOALS_TEXT:
        errors["goals_text"] = gettext(MSG_GOALS_TOO_LONG).format(
            limit=MAX_GOALS_TEXT, length=len(goals_text)
        )

    meeting_needs = data.meeting_needs.strip()
    if len(meeting_needs) > MAX_MEETING_NEEDS:
        errors["meeting_needs"] = gettext(MSG_MEETING_NEEDS_TOO_LONG).format(
            limit=MAX_MEETING_NEEDS, length=len(meeting_needs)
        )

    themes = _dedupe_tags(data.themes)
    if len(themes) > MAX_GOALS:
        errors["themes"] = gettext(MSG_TOO_MANY_THEMES).format(count=len(themes), limit=MAX_GOALS)
    _check_tags("themes", themes, errors)
    offers = _dedupe_tags(data.offers)
    _check_tags("offers", offers, errors)
    wants = _dedupe_tags(data.wants)
    _check_tags("wants", wants, errors)
    languages = _dedupe_tags(data.languages) or (DEFAULT_LANGUAGE,)
    _check_tags("languages", languages, errors)

    stage = data.stage.strip().lower()
    if stage and stage not in Profile.Stage.values:
        errors["stage"] = MSG_BAD_STAGE
    channel = data.channel.strip().lower()
    if channel not in Profile.Channel.values:
        errors["channel"] = MSG_BAD_CHANNEL
    elif channel == Profile.Channel.IN_PERSON and not texts["city"]:
        errors["city"] = MSG_CITY_REQUIRED

    time_zone = data.time_zone.strip()
    if not time_zone:
        errors["time_zone"] = MSG_TIME_ZONE_REQUIRED
    elif not zone_is_known(time_zone):
        errors["time_zone"] = gettext(MSG_BAD_TIME_ZONE).format(value=time_zone)

    availability = _clean_slots(data.availability, errors)
    excluded = _clean_emails(data.excluded_emails, own_email, errors)
    if not data.consent:
        errors["consent"] = MSG_CONSENT_REQUIRED
    if errors:
        raise IntakeInvalid(errors)
    return replace(
        data,
        goals_text=goals_text,
        meeting_needs=meeting_needs,
        themes=themes,
        offers=offers,
        wants=wants,
        languages=languages,
        stage=stage,
        channel=channel,
        time_zone=time_zone,
        availability=availability,
        excluded_emails=excluded,
        display_name=texts["display_name"],
        pronouns=texts["pronouns"],
        organisation=texts["organisation"],
        department=texts["department"],
        city=texts["city"],
    )


def intake_read_only_reason(*, membership: Membership) -> str | None:
    """Return why the intake can no longer be changed, or None while it is editable."""
    if membership.status == Membership.Status.MATCHED:
        return gettext(MSG_READ_ONLY_MATCHED)
    program = membership.program
    if program.status in CLOSED_PROGRAM_STATUSES:
        return gettext(MSG_READ_ONLY_PROGRAM[Program.Status(program.status)])
    return None


def tags_resolve(*, program: Program, kind: str, names: Sequence[str]) -> list[Tag]:
    """Return the program's tags for ``names`` (creating new ones), following merges to the kept tag."""
    if not names:
        return []
    keys = {tag_key(name): name for name in names}
    Tag.objects.bulk_create(
        [Tag(program=program, kind=kind, name=name, key=key) for key, name in keys.items()],
        ignore_conflicts=True,
    )
    found = {tag.key: tag for tag in Tag.objects.filter(program=program, kind=kind, key__in=keys)}
    out: list[Tag] = []
    for key in keys:
        tag = tag_resolve(found[key])
        if tag not in out:
            out.append(tag)
    return out


@transaction.atomic
def profile_submit(*, membership: Membership, data: IntakeData) -> Profile:
    """Save the member's intake, mark it submitted and the member ready for matching."""
    if membership.role != Membership.Role.MEMBER:
        raise Conflict(MSG_NOT_A_MEMBER)
    membership = (
        # Lock the membership only: a program-wide lock would queue every member's save.
        Membership.objects.select_for_update(of=("self",))
        .select_related("program", "user")
        .get(pk=membership.pk)
    )
    reason = intake_read_only_reason(membership=membership)
    if reason:
        raise Conflict(reason)
    clean = intake_clean(data=data, own_email=membership.user.email)
    program = membership.program
    now = clock.now()
    values: dict[str, Any] = {
        "display_name": clean.display_name,
        "pronouns": clean.pronouns,
        "goals_text": clean.goals_text,
        "meeting_needs": clean.meeting_needs,
        "stage": clean.stage,
        "organisation": clean.organisation,
        "department": clean.department,
        "time_zone": clean.time_zone,
        "availability": [[s.day, s.start, s.end] for s in clean.availability],
        "channel": clean.channel,
        "city": clean.city,
        "languages": list(clean.languages),
        "excluded_emails": list(clean.excluded_emails),
        # Consent is given again with every submission, to the rules shown at that moment.
        "consent_at": now,
        "submitted_at": now,
    }
    profile = Profile.objects.filter(membership=membership).first()
    if profile is None:
        profile = Profile(membership=membership, **values)
    else:
        for name, value in values.items():
            setattr(profile, name, value)
    profile.save()
    profile.themes.set(tags_resolve(program=program, kind=Tag.Kind.THEME, names=clean.themes))
    profile.offers.set(tags_resolve(program=program, kind=Tag.Kind.SKILL, names=clean.offers))
    profile.wants.set(tags_resolve(program=program, kind=Tag.Kind.SKILL, names=clean.wants))
    if membership.status in (Membership.Status.INVITED, Membership.Status.INTAKE):
        membership.status = Membership.Status.READY
        membership.save(update_fields=["status"])
    return profile


MSG_IDENTITY_TIME_ZONE_REQUIRED = gettext_noop(
    "Tell us your time zone, such as Europe/Madrid or America/New_York, so meeting times "
    "are shown in your own hours."
)


def identity_for(*, user: Any) -> Identity:
    """Return the person's name and zone as the account page shows them."""
    profile = Profile.objects.filter(membership__user=user).order_by("-updated_at", "-id").first()
    if profile is None:
        return Identity(display_name=user.name, time_zone="", has_intake=False)
    return Identity(display_name=profile.display_name or user.name, time_zone=profile.time_zone)


@transaction.atomic
def identity_update(*, user: Any, display_name: str, time_zone: str) -> Identity:
    """Save the person's name and zone on the account and on every intake, matched or not.

    The intake is read-only once matched, but these two answers stay the person's to change:
    every page reads the name and zone from the profile, so each profile gets the new ones.
    """
    errors: dict[str, str] = {}
    name = " ".join(display_name.split())
    limit = TEXT_LIMITS["display_name"]
    if not name:
        errors["display_name"] = MSG_NAME_REQUIRED
    elif len(name) > limit:
        errors["display_name"] = gettext(MSG_TOO_LONG).format(limit=limit, length=len(name))
    zone = time_zone.strip()
    has_intake = Profile.objects.filter(membership__user=user).exists()
    if not zone and has_intake:
        errors["time_zone"] = MSG_IDENTITY_TIME_ZONE_REQUIRED
    elif not zone:
        pass
    elif not zone_is_known(zone):
        errors["time_zone"] = gettext(MSG_BAD_TIME_ZONE).format(value=zone)
    if errors:
        raise IntakeInvalid(errors)
    user.name = name
    user.save(update_fields=["name"])
    Profile.objects.filter(membership__user=user).update(
        display_name=name, time_zone=zone, updated_at=clock.now()
    )
    return Identity(display_name=name, time_zone=zone, has_intake=has_intake)
