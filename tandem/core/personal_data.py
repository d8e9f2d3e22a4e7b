"""The shape of an app's privacy declaration: what it holds about a person, and how it goes.

Each domain app describes its personal data in one module, ``tandem/<app>/privacy.py``, as a
``Declaration`` built from these types; the privacy app (``tandem/privacy``) lists those
modules and runs the download and the erasure over them. The types live here, in the lowest
layer, so that every app may build one without importing the privacy app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Self, TypedDict, Unpack

from django.db import models
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Person:
    """Whom a download or an erasure is about, read once before anything changes."""

    user: Any
    email: str
    name: str
    pseudonym: str
    membership_ids: tuple[int, ...] = ()
    seat_ids: tuple[int, ...] = ()
    partnership_ids: tuple[int, ...] = ()


class Erase(StrEnum):
    """What the erasure does with the person's own rows of a model."""

    DELETE = "delete"  # the rows go
    KEEP = "keep"  # the rows stay for the others in them, attributed to the pseudonym


class HoldingOptions(TypedDict, total=False):
    """The optional parts of a :class:`Holding`, for :meth:`Holding.by`."""

    erase: Erase
    own: Callable[[Person], Q] | None
    clear: tuple[str, ...]
    hidden: tuple[str, ...]
    computed: Callable[[Any], dict[str, Any]] | None


@dataclass(frozen=True)
class Holding:
    """One model's rows about a person: which they are, what the download shows, how they go.

    ``rows`` are the rows the download shows. ``own`` narrows them to the rows that are the
    person's own (written or held by them; the default is all of ``rows``): those are deleted
    (``Erase.DELETE``) or kept with the ``clear`` fields blanked (``Erase.KEEP``). Rows that
    only mention the person as the one who did something stay, pointing at the pseudonymised
    account. ``hidden`` fields (secrets such as token hashes) never go into the download;
    ``computed`` adds computed values (tag names, partners' display names) to a row.
    """

    model: type[models.Model]
    rows: Callable[[Person], QuerySet[Any]]
    erase: Erase = Erase.DELETE
    own: Callable[[Person], Q] | None = None
    clear: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    computed: Callable[[Any], dict[str, Any]] | None = None

    @classmethod
    def by(
        cls,
        model: type[models.Model],
        field: str,
        ids: Literal["membership_ids", "seat_ids", "partnership_ids"],
        **options: Unpack[HoldingOptions],
    ) -> Self:
        """Declare ``model``'s rows whose ``field`` is one of the person's ``ids``.

        ``Holding.by(Pulse, "membership_id", "membership_ids")`` is the holding whose rows are
        ``Pulse.objects.filter(membership_id__in=p.membership_ids)``.
        """
        return cls(
            model,
            rows=lambda p: model._default_manager.filter(**{f"{field}__in": getattr(p, ids)}),
            **options,
        )

    def own_rows(self, person: Person) -> QuerySet[Any]:
        """Return the rows that are the person's own."""
        rows = self.rows(person)
        return rows if self.own is None else rows.filter(self.own(person))


@dataclass(frozen=True)
class Declaration:
    """What one app holds about a person; its download file is ``<app>.json``.

    ``finish`` runs after every app's rows are deleted or cleared, for what rows alone do not
    say (marking a seat inactive, pseudonymising the account); it returns counts for the
    erasure's audit event.
    """

    app: str
    holdings: tuple[Holding, ...]
    finish: Callable[[Person], dict[str, int]] | None = field(default=None)

    @property
    def file_name(self) -> str:
        return f"{self.app}.json"
