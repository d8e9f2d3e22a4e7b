from django.urls import path

from tandem.programs.views import (
    intake,
    invitations,
    manage,
    member_import,
    program,
    roster,
    waitlist,
)

app_name = "programs"

urlpatterns = [
    path("waitlist/confirm/<str:token>/", waitlist.waitlist_confirm_view, name="waitlist_confirm"),
    path(
        "waitlist/unsubscribe/<str:token>/",
        waitlist.waitlist_unsubscribe_view,
        name="waitlist_unsubscribe",
    ),
    path("<slug:slug>/waitlist/", waitlist.waitlist_signup_view, name="waitlist_signup"),
    path("<slug:slug>/manage/waitlist/", waitlist.waitlist_manage_view, name="waitlist_manage"),
    path(
        "<slug:slug>/manage/waitlist/open-doors/",
        waitlist.waitlist_open_doors_view,
        name="waitlist_open_doors",
    ),
    path("<slug:slug>/intake/", intake.intake, name="intake"),
    path("<slug:slug>/intake/suggest/", intake.intake_suggest, name="intake_suggest"),
    path("<slug:slug>/next/", intake.next_steps, name="next_steps"),
    path("<slug:slug>/manage/import/", member_import.member_import_upload, name="import"),
    path(
        "<slug:slug>/manage/import/confirm/",
        member_import.member_import_confirm,
        name="import_confirm",
    ),
    path("invitation/<str:token>/", invitations.invitation_detail, name="invitation"),
    path(
        "invitation/<str:token>/signup/",
        invitations.InvitationSignupView.as_view(),
        name="invitation_signup",
    ),
    path("invitation/<str:token>/setup/", invitations.invitation_setup, name="invitation_setup"),
    path(
        "<slug:slug>/manage/members/account-setup/",
        invitations.invitation_account_setup_list,
        name="invitation_account_setup",
    ),
    path(
        "<slug:slug>/manage/members/account-setup/<int:pk>/send/",
        invitations.invitation_account_setup_resend_one,
        name="invitation_account_setup_resend",
    ),
    path("<slug:slug>/manage/members/", roster.roster, name="roster"),
    path("<slug:slug>/manage/members/export.csv", roster.roster_export_view, name="roster_export"),
    path("new/", manage.program_create, name="create"),
    path("<slug:slug>/manage/", manage.program_manage, name="manage"),
    path("<slug:slug>/manage/coordinators/", manage.coordinator_add, name="coordinator_add"),
    path(
        "<slug:slug>/manage/coordinators/<int:membership_id>/remove/",
        manage.coordinator_remove,
        name="coordinator_remove",
    ),
    path("<slug:slug>/manage/documents/", manage.documents_manage, name="documents_manage"),
    path("<slug:slug>/manage/documents/new/", manage.document_create, name="document_create"),
    path(
        "<slug:slug>/manage/documents/<int:document_id>/edit/",
        manage.document_edit,
        name="document_edit",
    ),
    path(
        "<slug:slug>/manage/documents/<int:document_id>/move/",
        manage.document_move,
        name="document_move",
    ),
    path(
        "<slug:slug>/manage/documents/<int:document_id>/delete/",
        manage.document_delete,
        name="document_delete",
    ),
    path("<slug:slug>/manage/resources/", manage.resources_manage, name="resources_manage"),
    path("<slug:slug>/manage/resources/new/", manage.resource_create, name="resource_create"),
    path(
        "<slug:slug>/manage/resources/<int:resource_id>/edit/",
        manage.resource_edit,
        name="resource_edit",
    ),
    path(
        "<slug:slug>/manage/resources/<int:resource_id>/move/",
        manage.resource_move,
        name="resource_move",
    ),
    path(
        "<slug:slug>/manage/resources/<int:resource_id>/delete/",
        manage.resource_delete,
        name="resource_delete",
    ),
    path("<slug:slug>/manage/tags/", manage.tags_manage, name="tags_manage"),
    # The public "<slug>/" page comes last so that fixed prefixes win.
    path("<slug:slug>/", program.program_public, name="public"),
    path("<slug:slug>/home/", program.program_detail, name="detail"),
    path("<slug:slug>/help/", program.program_help, name="help"),
    path("<slug:slug>/documents/<int:document_id>/", program.document_read, name="document"),
    path(
        "<slug:slug>/documents/<int:document_id>/file/", program.document_file, name="document_file"
    ),
]
