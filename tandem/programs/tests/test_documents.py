import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.core.errors import ValidationFailed
from tandem.programs.models import Document, Resource
from tandem.programs.services import documents as svc
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%fake but well-started\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def program():
    return ProgramFactory(slug="spanish")


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def member(program):
    return MembershipFactory(program=program).user


# Services: documents


def test_markdown_page_is_added_at_the_end_of_its_kind(program):
    first = svc.document_create(program=program, title="Welcome", body="# Hi")
    second = svc.document_create(program=program, title="Ground rules", body="Be kind")
    sheet = svc.document_create(program=program, title="Goals", kind="worksheet", body="1.")
    assert (first.position, second.position, sheet.position) == (0, 1, 0)


def test_uploaded_pdf_is_stored_privately(program):
    document = svc.document_create(program=program, title="Guide", file=upload("Guide.pdf"))
    assert document.file.name.startswith(f"documents/{program.pk}/")
    assert document.file.name.endswith("/Guide.pdf")
    assert document.file.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.exe",
            PDF,
            "“notes.exe” cannot be uploaded: upload a PDF, DOCX, ODT, PNG or JPG file.",
        ),
        (
            "page.html",
            b"<html>",
            "“page.html” cannot be uploaded: upload a PDF, DOCX, ODT, PNG or JPG file.",
        ),
        (
            "fake.pdf",
            b"<script>",
            "“fake.pdf” is not a real PDF file; export it again and upload that.",
        ),
        (
            "photo.jpeg",
            PNG,
            "“photo.jpeg” is not a real JPG file; export it again and upload that.",
        ),
    ],
)
def test_upload_of_wrong_type_is_refused_with_a_clear_message(program, name, content, message):
    with pytest.raises(ValidationFailed) as exc:
        svc.document_create(program=program, title="Guide", file=upload(name, content))
    assert (exc.value.field, exc.value.message) == ("file", message)
    assert not Document.objects.exists()


def test_upload_over_10_mb_is_refused(program):
    big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        svc.document_create(program=program, title="Guide", file=big)
    assert exc.value.message == "“big.pdf” is 10.0 MB; upload a file of 10 MB or less."


def test_upload_of_exactly_10_mb_is_accepted(program):
    exact = upload("exact.png", PNG + b"0" * (10 * 1024 * 1024 - len(PNG)))
    assert svc.document_create(program=program, title="Poster", file=exact).file


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " ", "body": "x"}, "Give the document a title."),
        ({"title": "T", "body": "  "}, "Write the page in Markdown or upload a file."),
        (
            {"title": "T", "body": "x", "file": upload("a.pdf")},
            "Either write the page or upload a file, not both: clear the text or leave out "
            "the file.",
        ),
        ({"title": "T", "body": "x", "kind": "poster"}, "Choose guidebook or worksheet."),
    ],
)
def test_document_rules(program, kwargs, message):
    with pytest.raises(ValidationFailed) as exc:
        svc.document_create(program=program, **kwargs)
    assert exc.value.message == message


def test_writing_text_over_a_file_replaces_the_file(program, django_capture_on_commit_callbacks):
    document = svc.document_create(program=program, title="Guide", file=upload("g.pdf"))
    storage = document.file.storage
    old_name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        svc.document_update(document=document, title="Guide", kind="guidebook", body="Now text")
    document.refresh_from_db()
    assert (document.body, document.file.name) == ("Now text", "")
    assert not storage.exists(old_name)


def test_editing_a_file_document_keeps_the_file_when_none_is_sent(program):
    document = svc.document_create(program=program, title="Guide", file=upload("g.pdf"))
    svc.document_update(document=document, title="Renamed", kind="guidebook")
    document.refresh_from_db()
    assert document.title == "Renamed"
    assert document.file


def test_move_swaps_neighbours_and_stops_at_the_ends(program):
    a, _b, c = (svc.document_create(program=program, title=t, body="x") for t in "ABC")
    svc.document_move(document=c, direction="up")
    svc.document_move(document=a, direction="up")  # already first: nothing moves
    titles = [d.title for d in Document.objects.filter(program=program).order_by("position")]
    assert titles == ["A", "C", "B"]


def test_deleting_a_document_removes_its_file(program, django_capture_on_commit_callbacks):
    document = svc.document_create(program=program, title="Guide", file=upload("g.pdf"))
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        svc.document_delete(document=document)
    assert not Document.objects.exists()
    assert not storage.exists(name)


# Services: referral resources


def test_resource_is_created_and_reordered(program):
    one = svc.resource_create(
        program=program, name="EAP", kind="eap", contact="0800 1", when_to_use="Money worries"
    )
    two = svc.resource_create(
        program=program, name="Crisis line", kind="crisis", contact="116 123", when_to_use="Now"
    )
    svc.resource_move(resource=two, direction="up")
    assert [r.name for r in Resource.objects.order_by("position")] == ["Crisis line", "EAP"]
    svc.resource_update(
        resource=one, name="EAP", kind="eap", contact="0800 2", when_to_use="Money worries"
    )
    one.refresh_from_db()
    assert one.contact == "0800 2"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "Give the resource a name."),
        ("contact", "Say how to reach it: a phone number, email or web address."),
        ("when_to_use", "Say when this is the right place to turn."),
    ],
)
def test_resource_needs_name_contact_and_when_to_use(program, field, message):
    values = {"name": "EAP", "kind": "eap", "contact": "0800", "when_to_use": "Money worries"}
    values[field] = " "
    with pytest.raises(ValidationFailed) as exc:
        svc.resource_create(program=program, **values)
    assert (exc.value.field, exc.value.message) == (field, message)


# Pages


def test_coordinator_uploads_a_worksheet_and_a_member_downloads_it(
    client, program, coordinator, member
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:document_create", args=[program.slug]),
        {"title": "Goals sheet", "kind": "worksheet", "body": "", "file": upload("goals.pdf")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    client.force_login(member)
    home = client.get(reverse("programs:detail", args=[program.slug]), follow=True)
    file_url = reverse("programs:document_file", args=[program.slug, document.pk])
    assert file_url in home.text
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "no-store" in download["Cache-Control"]


def test_document_files_are_for_members_of_the_program_only(client, program):
    document = svc.document_create(program=program, title="Guide", file=upload("g.pdf"))
    file_url = reverse("programs:document_file", args=[program.slug, document.pk])
    page_url = reverse("programs:document", args=[program.slug, document.pk])
    assert client.get(file_url).status_code == 404
    client.force_login(CoordinatorFactory().user)
    assert client.get(file_url).status_code == 404
    assert client.get(page_url).status_code == 404


def test_document_of_another_program_is_not_found_under_mine(client, program, member):
    other = svc.document_create(program=ProgramFactory(), title="Theirs", body="secret")
    client.force_login(member)
    url = reverse("programs:document", args=[program.slug, other.pk])
    assert client.get(url).status_code == 404


def test_markdown_page_is_rendered_safely(client, program, member):
    document = svc.document_create(
        program=program, title="Welcome", body="**Hello** <script>alert(1)</script>"
    )
    client.force_login(member)
    response = client.get(reverse("programs:document", args=[program.slug, document.pk]))
    assert "<strong>Hello</strong>" in response.text
    assert "alert(1)" not in response.text


def test_upload_error_is_shown_and_the_title_kept(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:document_create", args=[program.slug]),
        {"title": "Goals sheet", "kind": "worksheet", "file": upload("goals.txt", b"hi")},
    )
    assert response.status_code == 200
    assert (
        "“goals.txt” cannot be uploaded: upload a PDF, DOCX, ODT, PNG or JPG file." in response.text
    )
    assert 'value="Goals sheet"' in response.text


def test_reorder_with_htmx_returns_the_list_in_its_new_order(client, program, coordinator):
    svc.document_create(program=program, title="Alpha", body="x")
    beta = svc.document_create(program=program, title="Beta", body="x")
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:document_move", args=[program.slug, beta.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.startswith('<div id="document-list">')
    assert response.text.index("Beta") < response.text.index("Alpha")


def test_member_cannot_edit_move_or_delete_documents(client, program, member):
    document = svc.document_create(program=program, title="Guide", body="x")
    client.force_login(member)
    for name in ("document_edit", "document_move", "document_delete"):
        url = reverse(f"programs:{name}", args=[program.slug, document.pk])
        assert client.post(url, {"direction": "up", "title": "Hacked"}).status_code == 404
    document.refresh_from_db()
    assert document.title == "Guide"


def test_coordinator_deletes_a_document_with_htmx(client, program, coordinator):
    document = svc.document_create(program=program, title="Guide", body="x")
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:document_delete", args=[program.slug, document.pk]),
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("programs:documents_manage", args=[program.slug])
    assert not Document.objects.exists()


def test_coordinator_adds_and_edits_a_resource(client, program, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("programs:resource_create", args=[program.slug]),
        {"name": "EAP", "kind": "eap", "contact": "0800 1", "when_to_use": "Money worries"},
    )
    resource = Resource.objects.get()
    response = client.post(
        reverse("programs:resource_edit", args=[program.slug, resource.pk]),
        {"name": "EAP", "kind": "eap", "contact": "", "when_to_use": "Money worries"},
    )
    assert "Say how to reach it: a phone number, email or web address." in response.text
    assert 'value="EAP"' in response.text
    resource.refresh_from_db()
    assert resource.contact == "0800 1"


def test_coordinator_of_another_program_cannot_touch_my_resources(client, program):
    resource = svc.resource_create(
        program=program, name="EAP", kind="eap", contact="0800", when_to_use="w"
    )
    client.force_login(CoordinatorFactory().user)
    url = reverse("programs:resource_delete", args=[program.slug, resource.pk])
    assert client.post(url).status_code == 404
    assert Resource.objects.exists()
