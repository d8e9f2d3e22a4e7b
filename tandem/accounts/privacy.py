"""What the accounts app holds about a person: the account, its addresses, tokens and sessions.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session

from tandem.accounts.models import ApiToken, User
from tandem.core.personal_data import Declaration, Erase, Holding, Person

ERASED_DOMAIN = "erased.invalid"


def _account_pseudonymise(person: Person) -> dict[str, int]:
    """Turn the account into the pseudonym's: no address, no password, no sign-in."""
    user = User.objects.select_for_update().get(pk=person.user.pk)
    user.email = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    user.name = person.pseudonym
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    sessions = 0
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            sessions += 1
    return {"sessions": sessions}


DECLARATION = Declaration(
    app="account",
    holdings=(
        Holding(
            User,
            rows=lambda p: User.objects.filter(pk=p.user.pk),
            erase=Erase.KEEP,  # pseudonymised by _account_pseudonymise
            hidden=("password",),
        ),
        Holding(EmailAddress, rows=lambda p: EmailAddress.objects.filter(user=p.user)),
        Holding(
            ApiToken, rows=lambda p: ApiToken.objects.filter(user=p.user), hidden=("token_hash",)
        ),
    ),
    finish=_account_pseudonymise,
)
