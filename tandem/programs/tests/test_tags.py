import pytest
from django.urls import reverse

from tandem.core.errors import NotFound, ValidationFailed
from tandem.programs.models import Tag
from tandem.programs.selectors.program import tag_list_active, tag_list_with_counts
from tandem.programs.services import tags as svc
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(slug="spanish")


def tag(program, name, kind=Tag.Kind.SKILL):
    return Tag.objects.get(program=program, kind=kind, key=svc.tag_key(name))


def test_counts_show_how_many_members_offer_and_want_each_skill(program):
    ProfileFactory(membership__program=program, offers=["Spanish"], wants=["Skiing"])
    ProfileFactory(membership__program=program, offers=["Spanish", "Skiing"], themes=["Confidence"])
    ProfileFactory(membership__program=program, offers=["Spanish"], membership__status="left")
    counts = {
        (t.name, t.kind): (t.offered, t.wanted, t.themed)
        for t in tag_list_with_counts(program=program)
    }
    assert counts == {
        ("Spanish", "skill"): (2, 0, 0),
        ("Skiing", "skill"): (1, 1, 0),
        ("Confidence", "theme"): (0, 0, 1),
    }


def test_merge_moves_every_profile_to_the_kept_tag(program):
    both = ProfileFactory(
        membership__program=program, offers=["public-speaking", "Public speaking"]
    )
    wanter = ProfileFactory(membership__program=program, wants=["public-speaking"])
    merged, kept = tag(program, "public-speaking"), tag(program, "Public speaking")

    result = svc.tag_merge(program=program, merge_id=merged.pk, keep_id=kept.pk)

    assert result == kept
    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert list(both.offers.all()) == [kept]
    assert list(wanter.wants.all()) == [kept]
    assert merged not in tag_list_active(program=program)


def test_merged_spelling_resolves_to_the_kept_tag(program):
    merged = TagFactory(program=program, name="public-speaking")
    kept = TagFactory(program=program, name="Public speaking")
    svc.tag_merge(program=program, merge_id=merged.pk, keep_id=kept.pk)
    assert svc.tag_get_or_create(program=program, kind="skill", name="Public-Speaking") == kept


def test_synonyms_of_a_merged_tag_follow_it(program):
    a, b, c = (TagFactory(program=program, name=n) for n in ("speak", "speaking", "Speaking up"))
    svc.tag_merge(program=program, merge_id=a.pk, keep_id=b.pk)
    svc.tag_merge(program=program, merge_id=b.pk, keep_id=c.pk)
    a.refresh_from_db()
    assert a.merged_into == c


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "Choose two different tags: a tag cannot be merged into itself."),
        ("kind", "A skill can only be merged into a skill, and a goal theme into a goal theme."),
        ("already", "“speak” has already been merged into “Speaking”."),
    ],
)
def test_merge_rules(program, case, message):
    speak = TagFactory(program=program, name="speak")
    speaking = TagFactory(program=program, name="Speaking")
    theme = TagFactory(program=program, name="Confidence", kind=Tag.Kind.THEME)
    if case == "same":
        merge, keep = speak, speak
    elif case == "kind":
        merge, keep = speak, theme
    else:
        svc.tag_merge(program=program, merge_id=speak.pk, keep_id=speaking.pk)
        merge, keep = speak, TagFactory(program=program, name="Talks")
    with pytest.raises(ValidationFailed) as exc:
        svc.tag_merge(program=program, merge_id=merge.pk, keep_id=keep.pk)
    assert exc.value.message == message


def test_tag_of_another_program_cannot_be_merged(program):
    mine = TagFactory(program=program, name="Spanish")
    theirs = TagFactory(name="Spanish")
    with pytest.raises(NotFound):
        svc.tag_merge(program=program, merge_id=theirs.pk, keep_id=mine.pk)
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_coordinator_merges_tags_on_the_page(client, program):
    coordinator = CoordinatorFactory(program=program).user
    profile = ProfileFactory(membership__program=program, offers=["public-speaking"])
    merged, kept = (
        tag(program, "public-speaking"),
        TagFactory(program=program, name="Public speaking"),
    )
    client.force_login(coordinator)
    url = reverse("programs:tags_manage", args=[program.slug])
    response = client.post(url, {"merge": merged.pk, "keep": kept.pk}, follow=True)
    assert "“public-speaking” merged into “Public speaking”." in response.text
    assert list(profile.offers.all()) == [kept]
    assert f'value="{merged.pk}"' not in response.text


def test_member_cannot_merge_tags(client, program):
    member = MembershipFactory(program=program).user
    a, b = TagFactory(program=program, name="a"), TagFactory(program=program, name="b")
    client.force_login(member)
    response = client.post(
        reverse("programs:tags_manage", args=[program.slug]), {"merge": a.pk, "keep": b.pk}
    )
    assert response.status_code == 404
    a.refresh_from_db()
    assert a.merged_into is None
