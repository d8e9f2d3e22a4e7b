"""Tags: skills and goal themes as a program spells them, and merging synonyms."""

from typing import Any

from django.db import transaction

from tandem.core.errors import NotFound, ValidationFailed
from tandem.programs.models import Profile, Program, Tag

TAG_NAME_REQUIRED = "Enter a name."
TAG_NAME_TOO_LONG = "Keep a name to 60 characters or fewer."
TAG_MERGE_SAME = "Choose two different tags: a tag cannot be merged into itself."
TAG_MERGE_KIND = "A skill can only be merged into a skill, and a goal theme into a goal theme."
TAG_MERGE_ALREADY = "“{name}” has already been merged into “{into}”."

# The three ways a profile links a tag; each is a many-to-many through table.
PROFILE_TAG_LINKS = (Profile.offers.through, Profile.wants.through, Profile.themes.through)


def tag_key(name: str) -> str:
    """Return the case- and space-folded form two spellings share (``Public  Speaking``)."""
    return " ".join(name.split()).casefold()


def tag_resolve(tag: Tag) -> Tag:
    """Return the tag a merged synonym now stands for (the tag itself when not merged)."""
    seen = {tag.pk}
    while tag.merged_into_id is not None:
        tag = Tag.objects.get(pk=tag.merged_into_id)
        if tag.pk in seen:  # a cycle cannot be made by tag_merge; stop rather than loop
            break
        seen.add(tag.pk)
    return tag


@transaction.atomic
def tag_get_or_create(*, program: Program, kind: str, name: str) -> Tag:
    """Return the program's tag for ``name`` (following merges), creating it if new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(TAG_NAME_REQUIRED, field="name")
    if len(name) > 60:
        raise ValidationFailed(TAG_NAME_TOO_LONG, field="name")
    tag, _created = Tag.objects.get_or_create(
        program=program, kind=kind, key=tag_key(name), defaults={"name": name}
    )
    return tag_resolve(tag)


@transaction.atomic
def tag_merge(*, program: Program, merge_id: int, keep_id: int) -> Tag:
    """Merge one tag into another: every profile's offers, wants and themes move to the kept
    tag, and the merged tag points at it from then on. Returns the kept tag."""
    tags = {
        tag.pk: tag
        for tag in Tag.objects.select_for_update().filter(
            program=program, pk__in=[merge_id, keep_id]
        )
    }
    if merge_id not in tags or keep_id not in tags:
        raise NotFound()
    merged, kept = tags[merge_id], tags[keep_id]
    if merged.pk == kept.pk:
        raise ValidationFailed(TAG_MERGE_SAME, field="merge")
    if merged.kind != kept.kind:
        raise ValidationFailed(TAG_MERGE_KIND, field="keep")
    for tag in (merged, kept):
        if tag.merged_into_id is not None:
            into = Tag.objects.get(pk=tag.merged_into_id)
            field = "merge" if tag is merged else "keep"
            raise ValidationFailed(
                TAG_MERGE_ALREADY.format(name=tag.name, into=into.name), field=field
            )

    for through in PROFILE_TAG_LINKS:
        profile_ids = list(through.objects.filter(tag=merged).values_list("profile_id", flat=True))
        links: list[Any] = [through(profile_id=pid, tag=kept) for pid in profile_ids]
        through.objects.bulk_create(links, ignore_conflicts=True)
        through.objects.filter(tag=merged).delete()
    # Synonyms that pointed at the merged tag now point straight at the kept one.
    Tag.objects.filter(merged_into=merged).update(merged_into=kept)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into"])
    return kept
