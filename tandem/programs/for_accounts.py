"""What programs answers for the apps below it: the account pages' slots
(``tandem/accounts/slots.py``) and the zone every page shows its times in
(``tandem/core/viewer.py``).

Filled in ``ProgramsConfig.ready()``: the lower app asks, programs knows.
"""

from typing import Any

from tandem.accounts import slots
from tandem.core import viewer
from tandem.programs.selectors import program_list_for
from tandem.programs.selectors.member_status import MemberStatus, membership_annotate_status
from tandem.programs.selectors.zones import request_zone
from tandem.programs.services.intake import identity_for, identity_update
from tandem.programs.views.invitations import pending_invitation_url


def memberships_of(*, user: Any) -> list[slots.MembershipLine]:
    """Return the person's programs with their role, membership status and roster status."""
    labels = dict(MemberStatus.choices)
    return [
        slots.MembershipLine(
            program_slug=m.program.slug,
            program_name=m.program.name,
            role=m.role,
            role_label=m.get_role_display(),
            status=m.status,
            member_status_label=str(labels.get(getattr(m, "member_status", None) or "", "")),
        )
        for m in membership_annotate_status(program_list_for(user=user))
    ]


def fill() -> None:
    """Answer every slot programs fills (called once, from ``ProgramsConfig.ready()``)."""
    slots.after_sign_in.fill(pending_invitation_url)
    slots.memberships_of.fill(memberships_of)
    slots.identity_of.fill(identity_for)
    slots.identity_save.fill(identity_update)
    viewer.viewer_zone.fill(request_zone)
