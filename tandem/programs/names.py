"""The one rule for the name a member goes by in a program.

The name they gave in their intake, else their account's name, else something from their email
address, chosen by who reads it: its part before the @ where partners read it (``"local"``), the
whole address where a coordinator must tell two people apart (``"full"``), nothing where the name
only greets the person (``"none"``).
"""

from typing import Literal

from django.core.exceptions import ObjectDoesNotExist

from tandem.programs.models import Membership

Address = Literal["local", "full", "none"]


def member_name(membership: Membership, *, address: Address = "local") -> str:
    """Return the name ``membership``'s person goes by in its program (select ``profile`` and
    ``user`` with it to spare the queries)."""
    try:
        display_name = membership.profile.display_name
    except ObjectDoesNotExist:
        display_name = ""
    if display_name:
        return str(display_name)
    user = membership.user
    if user.name:
        return str(user.name)
    if address == "full":
        return str(user.email)
    if address == "local":
        return str(user.email).split("@")[0]
    return ""
