"""Every model that holds a person's data is claimed by an app's privacy declaration.

Derived from ``django.apps``: a model holds a person's data when it links to an account, a
membership or a partnership seat, or keeps an email address, or when it hangs off such a model and has a text field a
person fills in. A new model of that kind fails here until its app's ``privacy.py`` says how
it is downloaded and erased (or it is added to ``NOT_CLAIMED`` with the reason).
"""

from django.apps import apps
from django.db import models

from tandem.accounts.models import User
from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.partnerships.models import PartnershipMember
from tandem.privacy.declarations import DECLARATIONS
from tandem.privacy.services import EXPORT_FILES, section_name
from tandem.programs.models import Membership

PERSON_MODELS = (User, Membership, PartnershipMember)

# Models that hold a person's data and are deliberately in no declaration, and why.
NOT_CLAIMED = {
    # The audit log is the site's append-only record of who did what: it is not part of the
    # download, and the erasure keeps its events (the account they point to is pseudonymised,
    # and the name and address in their labels and values are replaced by the pseudonym).
    "core.AuditEvent": "append-only audit log; pseudonymised by the erasure's scrub",
    # Django admin's change log records staff actions; it points at the staff account (which
    # an erasure pseudonymises) and its object_repr text is scrubbed like the audit log.
    "admin.LogEntry": "staff change log; pseudonymised by the erasure's scrub",
    # allauth's one-time confirmation keys hang off an EmailAddress (claimed by accounts)
    # and are deleted with it (on_delete=CASCADE); they hold a random key, nothing typed.
    "account.EmailConfirmation": "deleted with the EmailAddress it confirms",
}


def _links_to(model: type[models.Model], targets: set[type[models.Model]]) -> bool:
    for field in model._meta.get_fields(include_hidden=False):
        if not (field.many_to_one or field.one_to_one or field.many_to_many):
            continue
        if field.auto_created and not field.concrete:  # a reverse relation
            continue
        if field.related_model in targets:
            return True
    return False


def _has_email(model: type[models.Model]) -> bool:
    return any(isinstance(f, models.EmailField) for f in model._meta.concrete_fields)


def _has_free_text(model: type[models.Model]) -> bool:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.TextField | models.JSONField):
            return True
        if isinstance(field, models.CharField) and not field.choices:
            return True
    return False


def models_holding_personal_data() -> set[str]:
    """Return the labels of every installed model that holds a person's data."""
    everything = [m for m in apps.get_models() if not m._meta.proxy]
    holding: set[type[models.Model]] = {m for m in everything if m in PERSON_MODELS}
    holding |= {m for m in everything if _links_to(m, set(PERSON_MODELS)) or _has_email(m)}
    # Children of such rows with text a person typed (a note's revisions, a goal's steps).
    grew = True
    while grew:
        more = {
            m
            for m in everything
            if m not in holding and _links_to(m, holding) and _has_free_text(m)
        }
        holding |= more
        grew = bool(more)
    return {m._meta.label for m in holding}


def _holdings() -> list[Holding]:
    return [h for d in DECLARATIONS for h in d.holdings]


def test_every_model_holding_personal_data_is_claimed():
    claimed = {h.model._meta.label for h in _holdings()}
    unclaimed = models_holding_personal_data() - claimed - set(NOT_CLAIMED)
    assert not unclaimed, (
        f"Not in any app's privacy declaration: {sorted(unclaimed)}. Say in the app's "
        "privacy.py how it is downloaded and erased (see docs/privacy.md)."
    )


def test_the_derivation_finds_a_new_unclaimed_model():
    class Diary(models.Model):  # noqa: DJ008
        membership = models.ForeignKey(Membership, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class DiaryPage(models.Model):  # noqa: DJ008
        diary = models.ForeignKey(Diary, on_delete=models.CASCADE)
        text = models.TextField()

        class Meta:
            app_label = "privacy"

    try:
        found = models_holding_personal_data()
        assert {"privacy.Diary", "privacy.DiaryPage"} <= found
        claimed = {h.model._meta.label for h in _holdings()}
        assert "privacy.Diary" not in claimed
    finally:
        for name in ("diary", "diarypage"):
            apps.all_models["privacy"].pop(name, None)
        apps.clear_cache()


def test_exclusions_are_real_models_that_hold_personal_data():
    # An exclusion for a model that no longer exists, or holds nothing, is stale.
    assert set(NOT_CLAIMED) <= models_holding_personal_data()


def test_each_model_is_claimed_once_and_each_app_has_its_own_file():
    labels = [h.model._meta.label for h in _holdings()]
    assert len(labels) == len(set(labels))
    assert len(EXPORT_FILES) == len(set(EXPORT_FILES)) == len(DECLARATIONS)
    for declaration in DECLARATIONS:
        names = [section_name(h.model) for h in declaration.holdings]
        assert len(names) == len(set(names)), declaration.app


def test_kept_rows_only_clear_fields_that_exist():
    for holding in _holdings():
        for name in holding.clear:
            assert holding.erase is Erase.KEEP
            holding.model._meta.get_field(name)
        for name in holding.hidden:
            holding.model._meta.get_field(name)
    assert all(isinstance(d, Declaration) for d in DECLARATIONS)
