"""Personal API tokens: created with a label, shown once, stored as a hash, revocable."""

import pytest

from tandem.accounts import services
from tandem.accounts.models import ApiToken
from tandem.core.errors import NotFound, ValidationFailed
from tandem.programs.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_create_stores_only_the_hash(frozen_clock):
    user = UserFactory()
    token, raw = services.api_token_create(user=user, label="  reporting   script ")
    assert raw.startswith("tdm_")
    assert token.label == "reporting script"
    assert token.token_hash == ApiToken.hash(raw)
    assert token.hint == raw[:8]
    assert token.created_at == frozen_clock
    assert raw not in {str(v) for row in ApiToken.objects.values() for v in row.values()}


def test_token_create_needs_a_label():
    with pytest.raises(ValidationFailed) as exc:
        services.api_token_create(user=UserFactory(), label="   ")
    assert (exc.value.message, exc.value.field) == (services.LABEL_REQUIRED, "label")


def test_token_create_rejects_overlong_label():
    with pytest.raises(ValidationFailed) as exc:
        services.api_token_create(user=UserFactory(), label="x" * 81)
    assert exc.value.message == services.LABEL_TOO_LONG


def test_token_revoke_sets_revoked_at(frozen_clock):
    user = UserFactory()
    token, _ = services.api_token_create(user=user, label="laptop")
    services.api_token_revoke(user=user, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at == frozen_clock


def test_cannot_revoke_another_persons_token():
    owner, other = UserFactory(), UserFactory()
    token, _ = services.api_token_create(user=owner, label="laptop")
    with pytest.raises(NotFound) as exc:
        services.api_token_revoke(user=other, token_id=token.pk)
    assert exc.value.message == services.REVOKE_NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_answers_not_found():
    user = UserFactory()
    token, _ = services.api_token_create(user=user, label="laptop")
    services.api_token_revoke(user=user, token_id=token.pk)
    with pytest.raises(NotFound):
        services.api_token_revoke(user=user, token_id=token.pk)
