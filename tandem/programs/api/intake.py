"""Intake API: a member reads and replaces their own profile; coordinators read their members'."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.api.errors import ErrorOut, FieldErrorOut, ValidationErrorOut, errors
from tandem.core.errors import NotFound
from tandem.interchange.members_csv import Slot
from tandem.programs.models import Profile
from tandem.programs.selectors.intake import (
    access_intake,
    access_profile_as_coordinator,
    profile_for,
    profile_list_for_coordinator,
)
from tandem.programs.services.intake import (
    IntakeData,
    IntakeInvalid,
    intake_read_only_reason,
    profile_submit,
)

router = Router(tags=["intake"])

MSG_NO_INTAKE_YET = "You have not filled in the intake for this program yet."
# Bounds on what a request may carry; the service applies the real rules with clear messages.
MAX_ITEMS = 100
MAX_TEXT = 10_000


class ProfileIn(Schema):
    """The member's answers. Fields not listed here (author, program, role...) are ignored."""

    display_name: str = Field(max_length=MAX_TEXT)
    pronouns: str = Field("", max_length=MAX_TEXT)
    goals_text: str = Field("", max_length=MAX_TEXT)
    meeting_needs: str = Field(
        "",
        max_length=MAX_TEXT,
        description="What would make meetings easier for you: your partners see it, never the "
        "coordinators.",
    )
    themes: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    offers: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    wants: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    stage: str = Field("", max_length=MAX_TEXT)
    organisation: str = Field("", max_length=MAX_TEXT)
    department: str = Field("", max_length=MAX_TEXT)
    time_zone: str = Field("", max_length=MAX_TEXT)
    availability: list[tuple[int, int, int]] = Field(
        default_factory=list,
        max_length=7 * 48,
        description="Weekly free slots in the member's zone: [day 0=Mon..6=Sun, start minute, end minute].",
    )
    channel: str = Field("video", max_length=MAX_TEXT)
    city: str = Field("", max_length=MAX_TEXT)
    languages: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    excluded_emails: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    consent: bool = Field(False, description="Agree to the program's confidentiality rules.")


class ProfileOut(Schema):
    membership_id: int
    email: str
    status: str
    display_name: str
    pronouns: str
    goals_text: str
    meeting_needs: str | None = Field(
        description="Your own intake only; null when a coordinator reads a member's intake."
    )
    themes: list[str]
    offers: list[str]
    wants: list[str]
    stage: str
    organisation: str
    department: str
    time_zone: str
    availability: list[list[int]]
    channel: str
    city: str
    languages: list[str]
    excluded_emails: list[str]
    consent_at: datetime | None
    submitted_at: datetime | None
    read_only_reason: str | None


def _out(profile: Profile, *, own: bool = False) -> ProfileOut:
    membership = profile.membership
    return ProfileOut(
        membership_id=membership.pk,
        email=membership.user.email,
        status=membership.status,
        display_name=profile.display_name,
        pronouns=profile.pronouns,
        goals_text=profile.goals_text,
        meeting_needs=profile.meeting_needs if own else None,
        themes=[tag.name for tag in profile.themes.all()],
        offers=[tag.name for tag in profile.offers.all()],
        wants=[tag.name for tag in profile.wants.all()],
        stage=profile.stage,
        organisation=profile.organisation,
        department=profile.department,
        time_zone=profile.time_zone,
        availability=[list(slot) for slot in profile.availability],
        channel=profile.channel,
        city=profile.city,
        languages=list(profile.languages),
        excluded_emails=list(profile.excluded_emails),
        consent_at=profile.consent_at,
        submitted_at=profile.submitted_at,
        read_only_reason=intake_read_only_reason(membership=membership),
    )


@router.get("/{slug}/me", response={200: ProfileOut, **errors(404)})
def profile_me(request: HttpRequest, slug: str) -> ProfileOut:
    """Return your intake in the program."""
    _, membership = access_intake(user=request.user, slug=slug)
    profile = profile_for(membership=membership)
    if profile is None:
        raise NotFound(MSG_NO_INTAKE_YET)
    return _out(profile, own=True)


@router.put(
    "/{slug}/me",
    # A 400 lists every answer to fix, unless the body was not JSON at all.
    response={200: ProfileOut, 400: ErrorOut | ValidationErrorOut, **errors(403, 404, 409, 422)},
)
def profile_me_replace(
    request: HttpRequest, slug: str, payload: ProfileIn
) -> ProfileOut | Status[ValidationErrorOut]:
    """Replace your intake (every answer at once), as the intake page does; 409 once matched."""
    _, membership = access_intake(user=request.user, slug=slug)
    data = IntakeData(
        **payload.model_dump(exclude={"availability"}),
        availability=[Slot(*slot) for slot in payload.availability],
    )
    try:
        profile_submit(membership=membership, data=data)
    except IntakeInvalid as exc:
        answers = [FieldErrorOut(field=name, message=msg) for name, msg in exc.errors.items()]
        return Status(400, ValidationErrorOut(detail=exc.message, field=exc.field, errors=answers))
    profile = profile_for(membership=membership)
    assert profile is not None
    return _out(profile, own=True)


@router.get("/{slug}", response={200: list[ProfileOut], **errors(404)})
def profile_list(request: HttpRequest, slug: str) -> list[ProfileOut]:
    """List the intakes of a program you coordinate."""
    return [_out(profile) for profile in profile_list_for_coordinator(user=request.user, slug=slug)]


@router.get("/{slug}/{int:membership_id}", response={200: ProfileOut, **errors(404)})
def profile_detail(request: HttpRequest, slug: str, membership_id: int) -> ProfileOut:
    """Return one member's intake in a program you coordinate."""
    return _out(
        access_profile_as_coordinator(user=request.user, slug=slug, membership_id=membership_id)
    )
