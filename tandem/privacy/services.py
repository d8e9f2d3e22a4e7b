"""A person's own data: the download of everything Tandem holds about them, and the erasure.

Both run over the apps' declarations (``tandem/privacy/declarations.py``): each app says in
its ``privacy.py`` which rows of which models are about a person, and whether the erasure
deletes them or keeps them for the others in them. See docs/privacy.md.
"""

import hashlib
import hmac
import io
import json
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_noop

from tandem.accounts.models import User
from tandem.core.audit import audit_record
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.core.personal_data import Declaration, Erase, Holding, Person
from tandem.partnerships.models import PartnershipMember
from tandem.privacy.declarations import DECLARATIONS

# Marked for translation but kept plain text (tests elsewhere compare them as text): the
# domain error puts them into the reader's language when raised.
MSG_CONFIRMATION_WRONG = gettext_noop(
    "That is not your password. Type the password you sign in with to confirm."
)
MSG_CONFIRMATION_MISSING = gettext_noop(
    "Type your password to confirm that you want to delete your account."
)
PSEUDONYM_PREFIX = "Former member"

# Files in the download, one per app, in the order a person reads them.
EXPORT_FILES = tuple(d.file_name for d in DECLARATIONS)


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


def person_of(*, user: User) -> Person:
    """Return whom a download or erasure of ``user`` is about: account, memberships, seats."""
    seats = list(
        PartnershipMember.objects.filter(membership__user=user).values_list("pk", "partnership_id")
    )
    return Person(
        user=user,
        email=user.email,
        name=user.name,
        pseudonym=pseudonym_for(user),
        membership_ids=tuple(user.memberships.values_list("pk", flat=True)),
        seat_ids=tuple(pk for pk, _ in seats),
        partnership_ids=tuple(sorted({partnership for _, partnership in seats})),
    )


# --- Download -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def section_name(model: type[models.Model]) -> str:
    """Return the key under which a model's rows appear in its app's download file."""
    return str(model._meta.verbose_name_plural)


def _export_holding(holding: Holding, person: Person) -> list[dict[str, Any]]:
    fields = [
        f
        for f in holding.model._meta.concrete_fields
        if f.name not in holding.hidden and f.attname not in holding.hidden
    ]
    out = []
    for obj in holding.rows(person).order_by("pk"):
        row = {f.attname: _plain(getattr(obj, f.attname)) for f in fields}
        if holding.computed is not None:
            row |= holding.computed(obj)
        out.append(row)
    return out


def _export_declaration(declaration: Declaration, person: Person) -> dict[str, Any]:
    return {section_name(h.model): _export_holding(h, person) for h in declaration.holdings}


def account_export_data(*, user: User) -> dict[str, Any]:
    """Return everything Tandem holds about ``user``: per download file, per kind of record."""
    person = person_of(user=user)
    return {d.file_name: _export_declaration(d, person) for d in DECLARATIONS}


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


def _erase_holding(holding: Holding, person: Person) -> int:
    own = holding.own_rows(person)
    if holding.erase is Erase.DELETE:
        deleted, _ = own.delete()
        return deleted
    if holding.clear:
        return own.update(**dict.fromkeys(holding.clear, ""))
    return 0


def _replace_in(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(pseudonym, value)
    if isinstance(value, list):
        return [_replace_in(v, pattern, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, pattern, pseudonym) for k, v in value.items()}
    return value


def _scrub_everywhere(needles: list[str], pseudonym: str) -> int:
    """Replace every mention of ``needles`` in every text and JSON column by ``pseudonym``.

    The safety net under the declarations: a name typed into someone else's text, an address
    in a queued task's arguments or an old audit event. Goes through ``_base_manager`` (the
    audit log's guard included: erasure is the one sanctioned rewrite of old audit events).
    Returns how many rows changed.
    """
    needles = [n for n in needles if len(n) >= 3]
    if not needles:
        return 0
    pattern = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in needles), re.IGNORECASE)
    # A JSON column stores non-ASCII as \\uXXXX escapes; look for that spelling too.
    json_needles = needles + [json.dumps(n)[1:-1] for n in needles if not n.isascii()]
    changed = 0
    # One query per table (every text column at once), not one per column.
    for model in apps.get_models(include_auto_created=True):
        if model is User:  # other people's accounts are theirs, even with the same name
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key
            and isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        query = Q()
        casts: dict[str, Cast] = {}
        for field in fields:
            if isinstance(field, models.JSONField):
                alias = f"_scrub_{field.name}"
                casts[alias] = Cast(field.name, TextField())
                for needle in json_needles:
                    query |= Q(**{f"{alias}__icontains": needle})
            else:
                for needle in needles:
                    query |= Q(**{f"{field.name}__icontains": needle})
        manager = model._base_manager
        rows = manager.annotate(**casts).filter(query) if casts else manager.filter(query)
        names = [f.name for f in fields]
        for pk, *values in rows.values_list("pk", *names):
            update = {}
            for name, value in zip(names, values, strict=True):
                new = _replace_in(value, pattern, pseudonym)
                if new != value:
                    update[name] = new
            if update:
                manager.filter(pk=pk).update(**update)
                changed += 1
    return changed


@transaction.atomic
def account_erase(*, user: User, password: str, ip_address: str | None = None) -> str:
    """Erase a person's account after checking their password; return their pseudonym.

    In one transaction: every app's own rows of the person are deleted or, where others share
    them, kept with the person's words blanked (as each app declares); then each app finishes
    (seats inactive, memberships left, the account pseudonymised and signed out everywhere);
    then every remaining mention of the email or full name, in any table, becomes the
    pseudonym.
    """
    if not password:
        raise ValidationFailed(MSG_CONFIRMATION_MISSING, field="password")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise ValidationFailed(MSG_CONFIRMATION_WRONG, field="password")
    person = person_of(user=user)
    counts: dict[str, int] = {}
    # Higher apps first: their rows hang off the lower apps' rows.
    for declaration in reversed(DECLARATIONS):
        for holding in declaration.holdings:
            counts[holding.model._meta.label] = _erase_holding(holding, person)
    for declaration in reversed(DECLARATIONS):
        if declaration.finish is not None:
            counts |= declaration.finish(person)
    # A full name is looked for everywhere; a single first name would hit other people too.
    full_name = " ".join(person.name.split())
    needles = [person.email] + ([full_name] if " " in full_name else [])
    counts["mentions_replaced"] = _scrub_everywhere(needles, person.pseudonym)
    audit_record(
        action=AuditEvent.Action.ERASURE,
        actor=None,
        subject_label=person.pseudonym,
        before={"email_hmac": _email_hash(person.email)},
        after={"pseudonym": person.pseudonym, **{k: v for k, v in counts.items() if v}},
        ip_address=ip_address,
    )
    return person.pseudonym
