"""What a program hands its members: guidebook pages and worksheets (Markdown or an uploaded
file) and referral resources ("beyond peer support")."""

from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from tandem.core.errors import ValidationFailed
from tandem.programs.models import Document, Program, Resource

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Extension -> (what the first bytes must be, Content-Type to serve it with).
ALLOWED_UPLOADS: dict[str, tuple[tuple[bytes, ...], str]] = {
    "pdf": ((b"%PDF-",), "application/pdf"),
    "docx": (
        (b"PK\x03\x04",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": ((b"PK\x03\x04",), "application/vnd.oasis.opendocument.text"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
}
# Shown in the browser; the rest are downloaded.
INLINE_EXTENSIONS = frozenset({"pdf", "png", "jpg", "jpeg"})

DOCUMENT_TITLE_REQUIRED = "Give the document a title."
DOCUMENT_TITLE_TOO_LONG = "Keep the title to 120 characters or fewer."
DOCUMENT_KIND_UNKNOWN = "Choose guidebook or worksheet."
DOCUMENT_EMPTY = "Write the page in Markdown or upload a file."
DOCUMENT_BOTH = (
    "Either write the page or upload a file, not both: clear the text or leave out the file."
)
FILE_TYPE_NOT_ALLOWED = "“{name}” cannot be uploaded: upload a PDF, DOCX, ODT, PNG or JPG file."
FILE_TOO_LARGE = "“{name}” is {size} MB; upload a file of 10 MB or less."
FILE_CONTENT_MISMATCH = "“{name}” is not a real {kind} file; export it again and upload that."

RESOURCE_NAME_REQUIRED = "Give the resource a name."
RESOURCE_NAME_TOO_LONG = "Keep the name to 120 characters or fewer."
RESOURCE_KIND_UNKNOWN = "Choose what kind of resource this is."
RESOURCE_CONTACT_REQUIRED = "Say how to reach it: a phone number, email or web address."
RESOURCE_CONTACT_TOO_LONG = "Keep the contact to 200 characters or fewer."
RESOURCE_WHEN_REQUIRED = "Say when this is the right place to turn."

MOVE_DIRECTIONS = ("up", "down")
MOVE_DIRECTION_UNKNOWN = "Move up or down."


def file_extension(name: str) -> str:
    """Return the lower-case extension of a file name, without the dot."""
    return PurePath(name).suffix.lower().lstrip(".")


def document_file_check(*, file: UploadedFile) -> None:
    """Raise ValidationFailed unless the upload is an allowed type, matches it and fits 10 MB."""
    name = PurePath(file.name or "").name
    extension = file_extension(name)
    if extension not in ALLOWED_UPLOADS:
        raise ValidationFailed(FILE_TYPE_NOT_ALLOWED.format(name=name), field="file")
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        size = f"{(file.size or 0) / (1024 * 1024):.1f}"
        raise ValidationFailed(FILE_TOO_LARGE.format(name=name, size=size), field="file")
    signatures, _content_type = ALLOWED_UPLOADS[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        kind = "JPG" if extension == "jpeg" else extension.upper()
        raise ValidationFailed(FILE_CONTENT_MISMATCH.format(name=name, kind=kind), field="file")


def document_content_type(*, document: Document) -> str:
    """Return the Content-Type an uploaded document is served with."""
    entry = ALLOWED_UPLOADS.get(file_extension(document.file.name or ""))
    return entry[1] if entry else "application/octet-stream"


def _document_check(*, title: str, kind: str, has_body: bool, has_file: bool) -> None:
    if not title:
        raise ValidationFailed(DOCUMENT_TITLE_REQUIRED, field="title")
    if len(title) > 120:
        raise ValidationFailed(DOCUMENT_TITLE_TOO_LONG, field="title")
    if kind not in Document.Kind.values:
        raise ValidationFailed(DOCUMENT_KIND_UNKNOWN, field="kind")
    if has_body and has_file:
        raise ValidationFailed(DOCUMENT_BOTH, field="body")
    if not has_body and not has_file:
        raise ValidationFailed(DOCUMENT_EMPTY, field="body")


def _delete_file_after_commit(name: str | None) -> None:
    if not name:
        return
    storage = Document._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_create(
    *,
    program: Program,
    title: str,
    kind: str = Document.Kind.GUIDEBOOK,
    body: str = "",
    file: UploadedFile | None = None,
) -> Document:
    """Add a guidebook page or worksheet at the end of its list."""
    title, body = title.strip(), body.strip()
    _document_check(title=title, kind=kind, has_body=bool(body), has_file=file is not None)
    if file is not None:
        document_file_check(file=file)
    last = Document.objects.filter(program=program, kind=kind).aggregate(m=Max("position"))["m"]
    document = Document(
        program=program,
        kind=kind,
        title=title,
        body=body,
        position=0 if last is None else last + 1,
    )
    if file is not None:
        document.file.save(PurePath(file.name or "upload").name, file, save=False)
    document.save()
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    body: str = "",
    file: UploadedFile | None = None,
) -> Document:
    """Change a document; a new file replaces the old one, and text replaces a file."""
    title, body = title.strip(), body.strip()
    # A page that was a file stays one unless new text is written; a new upload wins.
    has_file = file is not None or (bool(document.file) and not body)
    _document_check(title=title, kind=kind, has_body=bool(body), has_file=has_file)
    if file is not None:
        document_file_check(file=file)
    old_name = document.file.name if document.file else ""
    if kind != document.kind:
        last = Document.objects.filter(program_id=document.program_id, kind=kind).aggregate(
            m=Max("position")
        )["m"]
        document.position = 0 if last is None else last + 1
    document.title, document.kind, document.body = title, kind, body
    if file is not None:
        document.file.save(PurePath(file.name or "upload").name, file, save=False)
        _delete_file_after_commit(old_name)
    elif body and old_name:
        document.file = ""
        _delete_file_after_commit(old_name)
    document.save()
    return document


@transaction.atomic
def document_move(*, document: Document, direction: str) -> None:
    """Move a document one place up or down within its kind (guidebook or worksheet)."""
    if direction not in MOVE_DIRECTIONS:
        raise ValidationFailed(MOVE_DIRECTION_UNKNOWN, field="direction")
    siblings = list(
        Document.objects.select_for_update()
        .filter(program_id=document.program_id, kind=document.kind)
        .order_by("position", "title", "pk")
    )
    _move(siblings, document.pk, direction)


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a document and, once that is committed, its file."""
    _delete_file_after_commit(document.file.name if document.file else "")
    document.delete()


def _move(items: list[Any], pk: int, direction: str) -> None:
    """Swap the item with its neighbour and save the positions that changed (0, 1, 2, ...)."""
    index = next(i for i, item in enumerate(items) if item.pk == pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _resource_check(*, name: str, kind: str, contact: str, when_to_use: str) -> None:
    if not name:
        raise ValidationFailed(RESOURCE_NAME_REQUIRED, field="name")
    if len(name) > 120:
        raise ValidationFailed(RESOURCE_NAME_TOO_LONG, field="name")
    if kind not in Resource.Kind.values:
        raise ValidationFailed(RESOURCE_KIND_UNKNOWN, field="kind")
    if not contact:
        raise ValidationFailed(RESOURCE_CONTACT_REQUIRED, field="contact")
    if len(contact) > 200:
        raise ValidationFailed(RESOURCE_CONTACT_TOO_LONG, field="contact")
    if not when_to_use:
        raise ValidationFailed(RESOURCE_WHEN_REQUIRED, field="when_to_use")


@transaction.atomic
def resource_create(
    *, program: Program, name: str, kind: str, contact: str, when_to_use: str
) -> Resource:
    """Add a referral resource at the end of the program's list."""
    name, contact, when_to_use = name.strip(), contact.strip(), when_to_use.strip()
    _resource_check(name=name, kind=kind, contact=contact, when_to_use=when_to_use)
    last = Resource.objects.filter(program=program).aggregate(m=Max("position"))["m"]
    return Resource.objects.create(
        program=program,
        name=name,
        kind=kind,
        contact=contact,
        when_to_use=when_to_use,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def resource_update(
    *, resource: Resource, name: str, kind: str, contact: str, when_to_use: str
) -> Resource:
    """Change a referral resource."""
    name, contact, when_to_use = name.strip(), contact.strip(), when_to_use.strip()
    _resource_check(name=name, kind=kind, contact=contact, when_to_use=when_to_use)
    resource.name, resource.kind = name, kind
    resource.contact, resource.when_to_use = contact, when_to_use
    resource.save(update_fields=["name", "kind", "contact", "when_to_use"])
    return resource


@transaction.atomic
def resource_move(*, resource: Resource, direction: str) -> None:
    """Move a referral resource one place up or down."""
    if direction not in MOVE_DIRECTIONS:
        raise ValidationFailed(MOVE_DIRECTION_UNKNOWN, field="direction")
    siblings = list(
        Resource.objects.select_for_update()
        .filter(program_id=resource.program_id)
        .order_by("position", "name", "pk")
    )
    _move(siblings, resource.pk, direction)


@transaction.atomic
def resource_delete(*, resource: Resource) -> None:
    """Delete a referral resource."""
    resource.delete()
