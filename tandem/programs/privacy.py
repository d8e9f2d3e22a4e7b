"""What the programs app holds about a person: memberships, intakes, waitlist and invitations.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from typing import Any

from django.db.models import Q

from tandem.core import clock
from tandem.core.personal_data import Declaration, Erase, Holding, Person
from tandem.programs.models import Invitation, Membership, Profile, WaitlistEntry


def _membership_extra(membership: Membership) -> dict[str, Any]:
    return {"program": membership.program.slug, "program_name": membership.program.name}


def _profile_extra(profile: Profile) -> dict[str, Any]:
    return {
        "themes": sorted(t.name for t in profile.themes.all()),
        "offers": sorted(t.name for t in profile.offers.all()),
        "wants": sorted(t.name for t in profile.wants.all()),
    }


def _memberships_leave(person: Person) -> dict[str, int]:
    """Mark the memberships left, and take the address off others' "not to be paired" lists."""
    Membership.objects.filter(pk__in=person.membership_ids).update(
        status=Membership.Status.LEFT, updated_at=clock.now()
    )
    lists = 0
    email = person.email.lower()
    for profile in Profile._base_manager.filter(excluded_emails__icontains=email).only(
        "pk", "excluded_emails"
    ):
        kept = [e for e in profile.excluded_emails if str(e).lower() != email]
        if kept != profile.excluded_emails:
            Profile._base_manager.filter(pk=profile.pk).update(excluded_emails=kept)
            lists += 1
    return {"exclusion_lists": lists}


DECLARATION = Declaration(
    app="programs",
    holdings=(
        Holding(
            Membership,
            rows=lambda p: Membership.objects.filter(pk__in=p.membership_ids).select_related(
                "program"
            ),
            erase=Erase.KEEP,  # marked left; partners' and coordinators' history stays whole
            computed=_membership_extra,
        ),
        Holding(
            Profile,
            rows=lambda p: Profile.objects.filter(membership_id__in=p.membership_ids),
            computed=_profile_extra,
        ),
        Holding(
            WaitlistEntry,
            rows=lambda p: WaitlistEntry.objects.filter(email__iexact=p.email),
            hidden=("confirm_token", "unsubscribe_token"),
        ),
        Holding(
            Invitation,
            rows=lambda p: Invitation.objects.filter(
                Q(email__iexact=p.email) | Q(invited_by=p.user)
            ),
            own=lambda p: Q(email__iexact=p.email),  # invitations a coordinator sent stay
            hidden=("token",),
        ),
    ),
    finish=_memberships_leave,
)
