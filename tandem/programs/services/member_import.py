"""Import members into a program from the member CSV (format: docs/member-csv.md).

Two steps: :func:`member_import_preview` reads the file and says what an import would do,
writing nothing; :func:`member_import_apply` writes it all in one transaction, or nothing.
Both look rows up in bulk, so the number of queries does not grow with the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.interchange.members_csv import (
    MAX_BYTES,
    MemberRow,
    ParseResult,
    RowError,
    parse_members_csv,
    tag_key,
)
from tandem.programs.models import Invitation, Membership, Profile, Program, Tag
from tandem.programs.services.invitations import invitation_send
from tandem.programs.services.member_csv import problem_localise, problem_text, row_problem

__all__ = [
    "MSG_CHANGED_MEANWHILE",
    "MSG_FILE_HAS_ERRORS",
    "MemberImportPlan",
    "MemberImportResult",
    "member_import_apply",
    "member_import_check_size",
    "member_import_digest",
    "member_import_parse",
    "member_import_preview",
]

# Messages of the whole import, kept as constants so that tests assert the exact text; the
# problems of each line are worded in services.member_csv.
MSG_FILE_HAS_ERRORS = gettext_noop(
    "The file has problems (listed below); nothing was imported. Fix them and upload the "
    "file again."
)
MSG_CHANGED_MEANWHILE = gettext_noop(
    "Someone changed these members while you were importing; nothing was imported. "
    "Upload the file again to see the current preview."
)

# A row is complete (the member is ready for matching) when matching has what it needs.
COMPLETE_NEEDS = ("offers", "wants", "availability")

_CHUNK = 500
_SIGNATURES: tuple[tuple[bytes, StrOrPromise], ...] = (
    (b"\x89PNG\r\n\x1a\n", _("a PNG image")),
    (b"\xff\xd8\xff", _("a JPEG image")),
    (b"GIF87a", _("a GIF image")),
    (b"GIF89a", _("a GIF image")),
    (b"%PDF-", _("a PDF document")),
    (b"PK\x03\x04", _("an Excel workbook or another zip archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("an old Excel (.xls) workbook")),
)
# Statuses an import may move between; matched and paused members keep theirs.
_OPEN_STATUSES = (
    Membership.Status.INVITED,
    Membership.Status.INTAKE,
    Membership.Status.READY,
)
_PROFILE_FIELDS = (
    "display_name",
    "pronouns",
    "time_zone",
    "availability",
    "stage",
    "organisation",
    "department",
    "languages",
    "excluded_emails",
    "channel",
    "submitted_at",
    "consent_at",
)
# Profile tag fields and the kind of tag each holds; the CSV's "goals" fill "themes".
_TAG_FIELDS: dict[str, str] = {
    "offers": Tag.Kind.SKILL,
    "wants": Tag.Kind.SKILL,
    "themes": Tag.Kind.THEME,
}


@dataclass(frozen=True)
class MemberImportPlan:
    """What an import of one file would do; emails in file order."""

    rows: int
    errors: tuple[RowError, ...]
    # New to the program: members added, or people with an account who are invited to accept
    # (told apart nowhere, so the preview never says whether an address has an account).
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.created or self.updated)

    @property
    def to_import(self) -> int:
        return len(self.created) + len(self.updated)

    @property
    def nothing_to_change(self) -> bool:
        return not self.errors and not self.created and not self.updated


@dataclass(frozen=True)
class MemberImportResult:
    """Counts of what an import did, and the emails in the file.

    ``created`` counts members added and people invited alike; ``accounts_created`` and
    ``invited`` are for the operator's code (the demo, tests), never shown to a coordinator.
    """

    created: int
    updated: int
    unchanged: int
    accounts_created: int
    emails: tuple[str, ...]
    invited: int = 0


@dataclass(frozen=True)
class _NewTag:
    kind: str
    key: str
    name: str


_TagRef = int | _NewTag


@dataclass
class _Item:
    """One row of the file with what it should become."""

    row: MemberRow
    user: User | None
    membership: Membership | None
    profile: Profile | None
    status: str
    values: dict[str, Any]
    tags: dict[str, list[_TagRef]]
    changed: bool = False
    # Someone with an account who is not in the program: invited to accept, never joined.
    invite: bool = False


@dataclass
class _Work:
    items: list[_Item] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    memberships: dict[str, Membership] = field(default_factory=dict)
    # (through model name, profile id) -> {target id: through row id}
    links: dict[tuple[str, int], dict[int, int]] = field(default_factory=dict)


def member_import_check_size(*, size: int) -> None:
    """Refuse a file over the limit before anything reads it."""
    if size > MAX_BYTES:
        raise ValidationFailed(
            problem_text("too_large", {"size": size, "limit": MAX_BYTES}), field="file"
        )


def member_import_digest(data: bytes) -> str:
    """Return the fingerprint that ties a confirmation to the previewed file."""
    return hashlib.sha256(data).hexdigest()


def member_import_parse(*, data: bytes) -> ParseResult:
    """Parse the upload, first telling apart files that are not CSV text at all.

    Every problem is worded in the active language.
    """
    if len(data) > MAX_BYTES:
        return ParseResult((), (row_problem(0, "", "too_large", size=len(data), limit=MAX_BYTES),))
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return ParseResult((), (row_problem(0, "", "not_csv", kind=kind),))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ParseResult((), (row_problem(0, "", "utf16"),))
    if b"\x00" in data[:8192]:
        return ParseResult((), (row_problem(0, "", "not_csv", kind=_("a binary file")),))
    parsed = parse_members_csv(data)
    return replace(parsed, errors=tuple(problem_localise(error) for error in parsed.errors))


def member_import_preview(*, program: Program, data: bytes) -> MemberImportPlan:
    """Return what importing ``data`` into the program would do; write nothing."""
    parsed = member_import_parse(data=data)
    # Every row is checked against the program too, also one the parser rejected, so the
    # coordinator sees every problem of every cell (the parser's and the program's) at once.
    work = _plan(program=program, rows=[*parsed.rows, *parsed.rejected])
    rejected = {row.line for row in parsed.rejected}
    work.items = [item for item in work.items if item.row.line not in rejected]
    errors = sorted(dict.fromkeys([*parsed.errors, *work.errors]), key=lambda e: (e.line, e.column))
    return _summary(rows=len(parsed.rows), work=work, errors=tuple(errors))


@transaction.atomic
def member_import_apply(
    *, program: Program, actor: Any, data: bytes, ip_address: str | None = None
) -> MemberImportResult:
    """Import every row of the file into the program, or nothing if any row has a problem.

    Raises
    ------
    ValidationFailed
        The file has problems; nothing was written.
    Conflict
        A concurrent change made a write fail; nothing was written.
    """
    parsed = member_import_parse(data=data)
    if parsed.errors:
        raise ValidationFailed(MSG_FILE_HAS_ERRORS)
    # Serialise imports into the same program (a no-op on SQLite, which locks the database).
    Program.objects.select_for_update().filter(pk=program.pk).first()
    work = _plan(program=program, rows=parsed.rows)
    if work.errors:
        raise ValidationFailed(MSG_FILE_HAS_ERRORS)
    created = [item for item in work.items if _is_new(item)]
    updated = [item for item in work.items if item.changed and not _is_new(item)]
    new_users = [item for item in work.items if item.user is None]
    invited = [item for item in work.items if item.invite and item.changed]
    emails = tuple(item.row.email for item in work.items)
    if not created and not updated:
        return MemberImportResult(0, 0, len(work.items), 0, emails)
    try:
        with transaction.atomic():
            _write(program=program, work=work)
    except IntegrityError as exc:
        raise Conflict(MSG_CHANGED_MEANWHILE) from exc
    # An import never joins an existing account to a program: the person accepts (or not).
    for item in invited:
        invitation_send(
            program=program, email=item.row.email, role=Membership.Role.MEMBER, invited_by=actor
        )
    result = MemberImportResult(
        created=len(created),
        updated=len(updated),
        unchanged=len(work.items) - len(created) - len(updated),
        accounts_created=len(new_users),
        emails=emails,
        invited=len(invited),
    )
    audit_record(
        action=AuditEvent.Action.MEMBERS_IMPORTED,
        actor=actor,
        program=program,
        subject_label=f"{len(work.items)} members from CSV",
        after={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        ip_address=ip_address,
    )
    return result


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _max_length(model: type[Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]


def _is_new(item: _Item) -> bool:
    """Tell whether the row adds someone to the program (a member, or an invitation)."""
    return item.changed and item.membership is None


def _summary(*, rows: int, work: _Work, errors: tuple[RowError, ...]) -> MemberImportPlan:
    return MemberImportPlan(
        rows=rows,
        errors=errors,
        created=tuple(i.row.email for i in work.items if _is_new(i)),
        updated=tuple(i.row.email for i in work.items if i.changed and not _is_new(i)),
        unchanged=tuple(i.row.email for i in work.items if not i.changed),
    )


def _check_lengths(row: MemberRow) -> list[RowError]:
    errors: list[RowError] = []
    cells = (
        ("email", row.email, _max_length(User, "email")),
        ("name", row.name, _max_length(Profile, "display_name")),
        ("pronouns", row.pronouns, _max_length(Profile, "pronouns")),
        ("organisation", row.organisation, _max_length(Profile, "organisation")),
        ("department", row.department, _max_length(Profile, "department")),
    )
    for column, value, limit in cells:
        if len(value) > limit:
            errors.append(
                row_problem(row.line, column, "cell_too_long", length=len(value), limit=limit)
            )
    limit = _max_length(Tag, "name")
    for column, values in (("offers", row.offers), ("wants", row.wants), ("goals", row.goals)):
        for value in values:
            length = max(len(value), len(tag_key(value)))
            if length > limit:
                errors.append(
                    row_problem(
                        row.line, column, "tag_too_long", value=value, length=length, limit=limit
                    )
                )
    return errors


def _plan(*, program: Program, rows: Sequence[MemberRow]) -> _Work:
    """Work out what each row should become, with a fixed number of bulk queries."""
    work = _Work()
    users: dict[str, User] = {}
    emails = [row.email for row in rows]
    for chunk in _chunks(emails):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            users[user.email.lower()] = user
    for existing in Membership.objects.filter(program=program).select_related("user", "profile"):
        work.memberships[existing.user.email.lower()] = existing
    invited: set[str] = set()
    for chunk in _chunks([email for email in emails if email in users]):
        invited.update(
            email.lower()
            for email in Invitation.objects.filter(
                program=program,
                email__in=chunk,
                accepted_at__isnull=True,
                expires_at__gt=clock.now(),
            ).values_list("email", flat=True)
        )
    tags = {tag.pk: tag for tag in Tag.objects.filter(program=program)}
    tag_by_key = {(tag.kind, tag.key): tag.pk for tag in tags.values()}
    for name in _TAG_FIELDS:
        through = getattr(Profile, name).through
        for link_id, profile_id, target_id in through.objects.filter(
            profile__membership__program=program
        ).values_list("id", "profile_id", "tag_id"):
            work.links.setdefault((name, profile_id), {})[target_id] = link_id

    def resolve(kind: str, name: str) -> _TagRef:
        key = tag_key(name)
        pk = tag_by_key.get((kind, key))
        if pk is None:
            return _NewTag(kind, key, name)
        seen = {pk}
        while (merged := tags[pk].merged_into_id) is not None and merged not in seen:
            seen.add(merged)
            pk = merged
        return pk

    now = clock.now()
    for row in rows:
        membership = work.memberships.get(row.email)
        errors = _check_lengths(row)
        if membership is not None and membership.is_coordinator:
            errors.append(row_problem(row.line, "email", "coordinator_row", email=row.email))
        elif membership is not None and membership.status == Membership.Status.LEFT:
            errors.append(row_problem(row.line, "email", "left_row", email=row.email))
        profile = _profile_of(membership)
        if row.channel == Profile.Channel.IN_PERSON and not (profile and profile.city):
            errors.append(row_problem(row.line, "channel", "in_person_needs_city"))
        consent_at = _consent_at(row=row, profile=profile, now=now)
        if consent_at is not None and consent_at > now:
            errors.append(
                row_problem(row.line, "consent", "consent_in_future", day=str(row.consent_on))
            )
        if errors:
            work.errors.extend(errors)
            continue
        complete = all(getattr(row, name) for name in COMPLETE_NEEDS)
        status: str
        if membership is None or membership.status in _OPEN_STATUSES:
            status = Membership.Status.READY if complete else Membership.Status.INTAKE
        else:
            status = membership.status
        values: dict[str, Any] = {
            "display_name": row.name,
            "pronouns": row.pronouns,
            "time_zone": row.time_zone,
            "availability": [[s.day, s.start, s.end] for s in row.availability],
            "stage": row.stage,
            "organisation": row.organisation,
            "department": row.department,
            "languages": list(row.languages),
            # Kept as typed (members or not), resolved against the program at matching time.
            "excluded_emails": list(row.exclude),
            # An empty channel keeps the member's choice (video for a new profile).
            "channel": row.channel or (profile.channel if profile else Profile.Channel.VIDEO),
            # The intake counts as submitted once complete; a later import keeps the date.
            "submitted_at": (profile.submitted_at if profile else None)
            or (now if complete else None),
            # Recorded as the file says; an import never withdraws consent a member gave.
            "consent_at": consent_at,
        }
        item_tags = {
            name: list(
                dict.fromkeys(
                    resolve(kind, value)
                    for value in (row.goals if name == "themes" else getattr(row, name))
                )
            )
            for name, kind in _TAG_FIELDS.items()
        }
        item = _Item(
            row=row,
            user=users.get(row.email),
            membership=membership,
            profile=profile,
            status=status,
            values=values,
            tags=item_tags,
        )
        item.invite = membership is None and item.user is not None
        # An open invitation waits for the person already: inviting again changes nothing.
        item.changed = row.email not in invited if item.invite else _differs(item, work)
        work.items.append(item)
    return work


def _consent_at(*, row: MemberRow, profile: Profile | None, now: datetime) -> datetime | None:
    """Return when the member consented: as recorded already, else per the file (or None)."""
    if profile is not None and profile.consent_at is not None:
        return profile.consent_at
    if row.consent_on is not None:
        # The day the member consented begins at midnight in their own time zone.
        return datetime.combine(row.consent_on, time(), tzinfo=ZoneInfo(row.time_zone))
    return now if row.consent else None


def _profile_of(membership: Membership | None) -> Profile | None:
    if membership is None:
        return None
    try:
        return membership.profile
    except Profile.DoesNotExist:
        return None


def _differs(item: _Item, work: _Work) -> bool:
    """Tell whether the row changes an existing member (new members always do)."""
    if item.membership is None or item.profile is None:
        return True
    if item.membership.status != item.status:
        return True
    profile = item.profile
    if any(getattr(profile, name) != value for name, value in item.values.items()):
        return True
    for name, refs in item.tags.items():
        current = set(work.links.get((name, profile.pk), {}))
        if any(isinstance(ref, _NewTag) for ref in refs) or current != set(refs):
            return True
    return False


def _write(*, program: Program, work: _Work) -> None:
    """Write the planned changes with bulk statements."""
    now = clock.now()
    # Invited people are not written here: they join when they accept the invitation.
    changed = [item for item in work.items if item.changed and not item.invite]

    new_tags: dict[tuple[str, str], Tag] = {}
    for item in changed:
        for refs in item.tags.values():
            for ref in refs:
                if isinstance(ref, _NewTag):
                    new_tags.setdefault(
                        (ref.kind, ref.key),
                        Tag(program=program, kind=ref.kind, key=ref.key, name=ref.name),
                    )
    Tag.objects.bulk_create(new_tags.values(), batch_size=_CHUNK)
    tag_ids = {
        (kind, key): pk
        for pk, kind, key in Tag.objects.filter(program=program).values_list("pk", "kind", "key")
    }

    new_users = []
    for item in changed:
        if item.user is None:
            user = User(email=item.row.email, name=item.row.name)
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=_CHUNK)
    users = {item.row.email: item.user for item in changed if item.user is not None}
    for chunk in _chunks([user.email for user in new_users]):
        for user in User.objects.filter(email__in=chunk):
            users[user.email] = user

    Membership.objects.bulk_create(
        [
            Membership(program=program, user=users[item.row.email], status=item.status)
            for item in changed
            if item.membership is None
        ],
        batch_size=_CHUNK,
    )
    moved = []
    for item in changed:
        if item.membership is not None and item.membership.status != item.status:
            item.membership.status = item.status
            item.membership.updated_at = now
            moved.append(item.membership)
    Membership.objects.bulk_update(moved, ["status", "updated_at"], batch_size=_CHUNK)
    memberships = {
        m.user.email.lower(): m
        for m in Membership.objects.filter(program=program).select_related("user")
    }

    fresh: list[Profile] = []
    edited: list[Profile] = []
    for item in changed:
        if item.profile is None:
            membership = memberships[item.row.email]
            fresh.append(Profile(membership=membership, **item.values))
        else:
            for name, value in item.values.items():
                setattr(item.profile, name, value)
            item.profile.updated_at = now
            edited.append(item.profile)
    Profile.objects.bulk_create(fresh, batch_size=_CHUNK)
    Profile.objects.bulk_update(edited, [*_PROFILE_FIELDS, "updated_at"], batch_size=_CHUNK)
    profile_ids = dict(
        Profile.objects.filter(membership__program=program).values_list(
            "membership__user__email", "pk"
        )
    )
    profile_ids = {email.lower(): pk for email, pk in profile_ids.items()}

    for name in _TAG_FIELDS:
        through = getattr(Profile, name).through
        add: list[Model] = []
        remove: list[int] = []
        for item in changed:
            profile_id = profile_ids[item.row.email]
            current = work.links.get((name, profile_id), {}) if item.profile else {}
            desired = {
                ref if isinstance(ref, int) else tag_ids[(ref.kind, ref.key)]
                for ref in item.tags[name]
            }
            add.extend(
                through(profile_id=profile_id, tag_id=pk) for pk in desired if pk not in current
            )
            remove.extend(link for pk, link in current.items() if pk not in desired)
        through.objects.bulk_create(add, batch_size=_CHUNK)
        for start in range(0, len(remove), _CHUNK):
            through.objects.filter(pk__in=remove[start : start + _CHUNK]).delete()
