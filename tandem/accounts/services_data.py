"""A member's own data: download everything Tandem holds about them, or erase their account.

Both work through the models of every installed app; a model an app does not (yet) have is
skipped, so the export and the erasure grow with the apps. See docs/privacy.md.
"""

import hashlib
import hmac
import io
import json
import re
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent

MSG_CONFIRMATION_WRONG = "That is not your password. Type the password you sign in with to confirm."
MSG_CONFIRMATION_MISSING = "Type your password to confirm that you want to delete your account."
PSEUDONYM_PREFIX = "Former member"
ERASED_DOMAIN = "erased.invalid"

# Files in the export zip, in the order a person reads them.
EXPORT_FILES = (
    "account.json",
    "memberships.json",
    "profiles.json",
    "partnerships.json",
    "agreements.json",
    "meetings.json",
    "notes.json",
    "messages.json",
    "goals.json",
    "surveys.json",
    "waitlist.json",
)


def _model(label: str) -> type[models.Model] | None:
    """Return the model ``app_label.Name`` if that app has it, else None."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the named fields of ``obj`` that its model has, as JSON-ready values."""
    out: dict[str, Any] = {}
    model = obj._meta.model  # also right through a lazy request.user
    for name in fields:
        if _has_field(model, name):
            field = model._meta.get_field(name)
            attname = getattr(field, "attname", name)
            out[name] = _plain(getattr(obj, attname))
    return out


def pseudonym_for(user: User) -> str:
    """Return the stable pseudonym an erased person's partners see ("Former member 7f3a")."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"user:{user.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{PSEUDONYM_PREFIX} {digest[:4]}"


def _email_hash(email: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), email.lower().encode(), hashlib.sha256
    ).hexdigest()


def _seat_display_name(seat: Any) -> str:
    membership = seat.membership
    profile = membership.profile if _profile_exists(membership) else None
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return str(membership.user.name or PSEUDONYM_PREFIX)


def _profile_exists(membership: Any) -> bool:
    try:
        membership.profile  # noqa: B018 - the access tells whether it exists
    except Exception:
        return False
    return True


# --- Export ---------------------------------------------------------------------------------


def _export_account(user: User) -> dict[str, Any]:
    data = _row(user, ["email", "name", "date_joined", "last_login"])
    email_address = _model("account.EmailAddress")
    if email_address is not None:
        data["email_addresses"] = [
            _row(e, ["email", "verified", "primary"])
            for e in email_address.objects.filter(user=user)  # type: ignore[attr-defined]
        ]
    data["api_tokens"] = [
        _row(t, ["label", "hint", "created_at", "last_used_at", "revoked_at"])
        for t in user.api_tokens.all()
    ]
    feed = _model("meetings.CalendarFeed")
    if feed is not None:
        data["calendar_feeds"] = [
            _row(f, ["created_at", "revoked_at"])
            for f in feed.objects.filter(user=user)  # type: ignore[attr-defined]
        ]
    return data


def _export_profiles(memberships: list[Any]) -> list[dict[str, Any]]:
    out = []
    for m in memberships:
        if not _profile_exists(m):
            continue
        p = m.profile
        row = _row(
            p,
            [
                "display_name",
                "pronouns",
                "goals_text",
                "stage",
                "organisation",
                "department",
                "time_zone",
                "availability",
                "channel",
                "city",
                "languages",
                "excluded_emails",
                "consent_at",
                "submitted_at",
            ],
        )
        row["program"] = m.program.slug
        for rel in ("themes", "offers", "wants"):
            if _has_field(type(p), rel):
                row[rel] = sorted(t.name for t in getattr(p, rel).all())
        out.append(row)
    return out


def _export_partnerships(seats: list[Any]) -> list[dict[str, Any]]:
    out = []
    for seat in seats:
        partnership = seat.partnership
        row = _row(partnership, ["status", "started_at", "paused_at", "ended_at", "end_reason"])
        row["id"] = partnership.pk
        row["program"] = partnership.program.slug
        row["my_seat_active"] = seat.active
        # Partners by display name only: their emails and intakes are theirs, not mine.
        row["partners"] = [
            _seat_display_name(other)
            for other in partnership.seats.select_related(
                "membership__user", "membership__profile"
            ).exclude(pk=seat.pk)
        ]
        out.append(row)
    return out


def _export_agreements(seats: list[Any]) -> list[dict[str, Any]]:
    version_model = _model("partnerships.AgreementVersion")
    if version_model is None:
        return []
    acceptance_model = _model("partnerships.AgreementAcceptance")
    out = []
    for seat in seats:
        versions = version_model.objects.filter(  # type: ignore[attr-defined]
            agreement__partnership_id=seat.partnership_id
        ).order_by("number")
        for v in versions:
            row = _row(
                v,
                [
                    "number",
                    "created_at",
                    "cadence_weeks",
                    "meeting_minutes",
                    "channel",
                    "where",
                    "goals",
                    "incentive",
                    "confidentiality_rules",
                    "agreed_at",
                ],
            )
            row["partnership"] = seat.partnership_id
            row["written_by_me"] = getattr(v, "author_id", None) == seat.pk
            if acceptance_model is not None:
                row["my_acceptance"] = [
                    _row(a, ["accepted_at", "confirmed_at", "promised_confidentiality"])
                    for a in acceptance_model.objects.filter(  # type: ignore[attr-defined]
                        version=v, seat=seat
                    )
                ]
            out.append(row)
    return out


def _export_meetings(seats: list[Any]) -> list[dict[str, Any]]:
    meeting_model = _model("meetings.Meeting")
    if meeting_model is None:
        return []
    attendance = _model("meetings.Attendance")
    turn = _model("meetings.Turn")
    commitment = _model("meetings.Commitment")
    out = []
    seat_ids = [s.pk for s in seats]
    partnership_ids = [s.partnership_id for s in seats]
    meetings = list(
        meeting_model.objects.filter(  # type: ignore[attr-defined]
            partnership_id__in=partnership_ids
        ).order_by("starts_at", "id")
    )
    if not meetings:
        return []

    def mine_by_meeting(model: type[models.Model]) -> dict[int, list[Any]]:
        # One query for all the meetings, not one per meeting.
        grouped: dict[int, list[Any]] = defaultdict(list)
        for obj in model.objects.filter(  # type: ignore[attr-defined]
            meeting__partnership_id__in=partnership_ids, seat_id__in=seat_ids
        ):
            grouped[obj.meeting_id].append(obj)
        return grouped

    my_attendance = mine_by_meeting(attendance) if attendance is not None else None
    my_turns = mine_by_meeting(turn) if turn is not None else None
    my_commitments = mine_by_meeting(commitment) if commitment is not None else None
    for meeting in meetings:
        row = _row(meeting, ["starts_at", "duration_minutes", "time_zone", "status", "marked_at"])
        row["partnership"] = meeting.partnership_id
        if my_attendance is not None:
            row["my_attendance"] = [a.present for a in my_attendance[meeting.pk]]
        if my_turns is not None:
            row["my_turns"] = [
                _row(t, ["position", "planned_seconds", "started_at", "ended_at"])
                for t in my_turns[meeting.pk]
            ]
        if my_commitments is not None:
            row["my_commitments"] = [
                _row(c, ["text", "outcome", "created_at"]) for c in my_commitments[meeting.pk]
            ]
        out.append(row)
    return out


def _export_notes(seats: list[Any]) -> list[dict[str, Any]]:
    note_model = _model("meetings.Note")
    if note_model is None:
        return []
    out = []
    # Only notes I wrote: a partner's notes, private or shared, are theirs.
    for note in note_model.objects.filter(  # type: ignore[attr-defined]
        author_id__in=[s.pk for s in seats]
    ).order_by("created_at", "id"):
        row = _row(note, ["visibility", "body", "created_at", "updated_at"])
        row["meeting"] = note.meeting_id
        if hasattr(note, "revisions"):
            row["revisions"] = [
                _row(r, ["body", "visibility", "saved_at"]) for r in note.revisions.all()
            ]
        out.append(row)
    return out


def _export_messages(seats: list[Any]) -> list[dict[str, Any]]:
    message_model = _model("partnerships.Message")
    if message_model is None:
        return []
    return [
        {**_row(m, ["body", "created_at"]), "partnership": m.partnership_id}
        for m in message_model.objects.filter(  # type: ignore[attr-defined]
            author_id__in=[s.pk for s in seats]
        ).order_by("created_at", "id")
    ]


def _export_goals(memberships: list[Any]) -> list[dict[str, Any]]:
    goal_model = _model("goals.Goal")
    if goal_model is None:
        return []
    out = []
    for goal in goal_model.objects.filter(owner__in=memberships):  # type: ignore[attr-defined]
        row = _row(
            goal, ["title", "why", "due_on", "visibility", "percent", "completed_at", "created_at"]
        )
        row["partnership"] = goal.partnership_id
        if hasattr(goal, "steps"):
            row["steps"] = [_row(s, ["title", "due_on", "done_at"]) for s in goal.steps.all()]
        if hasattr(goal, "updates"):
            row["updates"] = [
                _row(u, ["text", "percent", "created_at"]) for u in goal.updates.all()
            ]
        out.append(row)
    comment_model = _model("goals.GoalComment")
    if comment_model is not None:
        for c in comment_model.objects.filter(author__in=memberships):  # type: ignore[attr-defined]
            out.append({"comment_on_goal": c.goal_id, **_row(c, ["body", "created_at"])})
    return out


def _export_surveys(memberships: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    response_model = _model("goals.SurveyResponse")
    if response_model is not None:
        for r in response_model.objects.filter(  # type: ignore[attr-defined]
            membership__in=memberships
        ).select_related("survey__program"):
            out.append(
                {
                    "survey": r.survey.get_kind_display(),
                    "program": r.survey.program.slug,
                    "submitted_at": _plain(r.submitted_at),
                    "answers": [
                        {
                            "question": a.question.text,
                            **_row(a, ["scale", "choice", "text", "share_text"]),
                        }
                        for a in r.answers.select_related("question")
                    ],
                }
            )
    pulse_model = _model("goals.Pulse")
    if pulse_model is not None:
        for p in pulse_model.objects.filter(membership__in=memberships):  # type: ignore[attr-defined]
            out.append({"pulse_for_meeting": p.meeting_id, **_row(p, ["score", "answered_at"])})
    flag_model = _model("goals.HelpFlag")
    if flag_model is not None:
        for f in flag_model.objects.filter(membership__in=memberships):  # type: ignore[attr-defined]
            out.append({"help_flag": f.kind, "raised_at": _plain(f.raised_at)})
    return out


def _export_waitlist(user: User) -> list[dict[str, Any]]:
    entry_model = _model("programs.WaitlistEntry")
    if entry_model is None:
        return []
    return [
        {"program": e.program.slug, **_row(e, ["email", "status", "created_at", "confirmed_at"])}
        for e in entry_model.objects.filter(  # type: ignore[attr-defined]
            email__iexact=user.email
        ).select_related("program")
    ]


def _seats_of(memberships: list[Any]) -> list[Any]:
    seat_model = _model("partnerships.PartnershipMember")
    if seat_model is None:
        return []
    return list(
        seat_model.objects.filter(membership__in=memberships).select_related(  # type: ignore[attr-defined]
            "partnership__program", "membership__user"
        )
    )


def account_export_data(*, user: User) -> dict[str, Any]:
    """Return everything Tandem holds about ``user``, one entry per export file."""
    memberships = list(user.memberships.select_related("program"))
    seats = _seats_of(memberships)
    return {
        "account.json": _export_account(user),
        "memberships.json": [
            {"program": m.program.slug, "program_name": m.program.name}
            | _row(m, ["role", "status", "created_at"])
            for m in memberships
        ],
        "profiles.json": _export_profiles(memberships),
        "partnerships.json": _export_partnerships(seats),
        "agreements.json": _export_agreements(seats),
        "meetings.json": _export_meetings(seats),
        "notes.json": _export_notes(seats),
        "messages.json": _export_messages(seats),
        "goals.json": _export_goals(memberships),
        "surveys.json": _export_surveys(memberships),
        "waitlist.json": _export_waitlist(user),
    }


@transaction.atomic
def account_export(*, user: User, ip_address: str | None = None) -> bytes:
    """Build the zip of JSON files a person downloads from /me/data/, and log the export."""
    data = account_export_data(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in EXPORT_FILES:
            archive.writestr(name, json.dumps(data[name], indent=2, ensure_ascii=False))
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=user.email,
        after={"files": len(EXPORT_FILES)},
        ip_address=ip_address,
    )
    return buffer.getvalue()


# --- Erasure --------------------------------------------------------------------------------


def _delete_where(label: str, **lookup: Any) -> int:
    model = _model(label)
    if model is None or not all(_has_field(model, key.split("__")[0]) for key in lookup):
        return 0
    deleted, _ = model._base_manager.filter(**lookup).delete()
    return deleted


def _replace_in(value: Any, swap: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, list):
        return [_replace_in(v, swap) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, swap) for k, v in value.items()}
    return value


def _scrub_everywhere(needles: list[str], pseudonym: str) -> int:
    """Replace every mention of ``needles`` in every text and JSON column by ``pseudonym``.

    Goes through ``_base_manager`` (the audit log's guard included: erasure is the one
    sanctioned rewrite of old audit events). Returns how many rows changed.
    """
    needles = [n for n in needles if len(n) >= 3]
    if not needles:
        return 0
    pattern = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in needles), re.IGNORECASE)

    def swap(text: str) -> str:
        return pattern.sub(pseudonym, text)

    # A JSON column stores non-ASCII as \\uXXXX escapes; look for that spelling too.
    json_needles = needles + [json.dumps(n)[1:-1] for n in needles if not n.isascii()]
    changed = 0
    for model in apps.get_models(include_auto_created=True):
        if model is User:  # other people's accounts are theirs, even with the same name
            continue
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.primary_key
        ]
        for field in text_fields:
            manager = model._base_manager
            if isinstance(field, models.JSONField):
                query = Q()
                for needle in json_needles:
                    query |= Q(_as_text__icontains=needle)
                rows = manager.annotate(_as_text=Cast(field.name, TextField())).filter(query)
            else:
                query = Q()
                for needle in needles:
                    query |= Q(**{f"{field.name}__icontains": needle})
                rows = manager.filter(query)
            for pk, value in rows.values_list("pk", field.name):
                new = _replace_in(value, swap)
                if new != value:
                    manager.filter(pk=pk).update(**{field.name: new})
                    changed += 1
    return changed


def _delete_sessions_of(user: User) -> int:
    deleted = 0
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            deleted += 1
    return deleted


@transaction.atomic
def account_erase(*, user: User, password: str, ip_address: str | None = None) -> str:
    """Erase a person's account after checking their password; return their pseudonym.

    Deleted: profiles, notes (with their history), messages they sent, commitments, goals,
    survey answers, pulses, help flags, tokens, calendar feeds, email addresses, sessions,
    waitlist entries and invitations. Kept, attributed to the pseudonym: memberships and
    partnership seats (marked left and inactive), so partners' meetings and agreements stay
    whole. Every remaining mention of the email or name, in any table, becomes the pseudonym.
    """
    if not password:
        raise ValidationFailed(MSG_CONFIRMATION_MISSING, field="password")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise ValidationFailed(MSG_CONFIRMATION_WRONG, field="password")
    pseudonym = pseudonym_for(user)
    email, name = user.email, user.name
    memberships = list(user.memberships.all())
    seats = _seats_of(memberships)
    seat_ids = [s.pk for s in seats]

    counts = {
        "notes": _delete_where("meetings.Note", author_id__in=seat_ids),
        "messages": _delete_where("partnerships.Message", author_id__in=seat_ids),
        "commitments": _delete_where("meetings.Commitment", seat_id__in=seat_ids),
        "goals": _delete_where("goals.Goal", owner__in=memberships),
        "goal_comments": _delete_where("goals.GoalComment", author__in=memberships),
        "survey_responses": _delete_where("goals.SurveyResponse", membership__in=memberships),
        "pulses": _delete_where("goals.Pulse", membership__in=memberships),
        "help_flags": _delete_where("goals.HelpFlag", membership__in=memberships),
        "profiles": _delete_where("programs.Profile", membership__in=memberships),
        "waitlist_entries": _delete_where("programs.WaitlistEntry", email__iexact=email),
        "invitations": _delete_where("programs.Invitation", email__iexact=email),
        "email_addresses": _delete_where("account.EmailAddress", user=user),
        "calendar_feeds": _delete_where("meetings.CalendarFeed", user=user),
        "digests": _delete_where("partnerships.DigestSent", user=user),
    }
    counts["api_tokens"], _ = user.api_tokens.all().delete()
    counts["sessions"] = _delete_sessions_of(user)

    # Others' intakes listed this address as "not to be paired with"; the account is gone.
    profile_model = _model("programs.Profile")
    if profile_model is not None:
        for profile in profile_model._base_manager.filter(excluded_emails__icontains=email).only(
            "pk", "excluded_emails"
        ):
            listed = getattr(profile, "excluded_emails", [])
            kept = [e for e in listed if str(e).lower() != email.lower()]
            profile_model._base_manager.filter(pk=profile.pk).update(excluded_emails=kept)

    seat_model = _model("partnerships.PartnershipMember")
    if seat_model is not None:
        seat_model._base_manager.filter(pk__in=seat_ids).update(active=False)
    user.memberships.update(status="left", updated_at=clock.now())

    user.email = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    user.name = pseudonym
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()

    # A full name is looked for everywhere; a single first name would hit other people too.
    full_name = " ".join(name.split())
    needles = [email] + ([full_name] if " " in full_name else [])
    counts["mentions_replaced"] = _scrub_everywhere(needles, pseudonym)
    audit_record(
        action=AuditEvent.Action.ERASURE,
        actor=None,
        subject_label=pseudonym,
        before={"email_hmac": _email_hash(email)},
        after={"pseudonym": pseudonym, **{k: v for k, v in counts.items() if v}},
        ip_address=ip_address,
    )
    return pseudonym
