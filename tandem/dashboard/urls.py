from django.urls import path

from tandem.dashboard import views, views_members, views_partnerships

app_name = "dashboard"

urlpatterns = [
    # A partner's preview of their partnership's first month (before the program's pages, whose
    # slug could read "first-month").
    path("first-month/<int:pk>/", views.first_month, name="first_month"),
    path("<slug:slug>/", views.program_dashboard, name="program"),
    path("<slug:slug>/cockpit/", views.cockpit, name="cockpit"),
    path("<slug:slug>/me/", views.member_home, name="member_home"),
    path("<slug:slug>/export.csv", views.figures_export, name="export"),
    path("<slug:slug>/evaluation.csv", views.evaluation_export, name="evaluation_export"),
    path("<slug:slug>/nudge-stalled/", views.stalled_nudge, name="nudge_stalled"),
    # The coordinator's tools: partnerships with their health, and one member's page.
    path("<slug:slug>/partnerships/", views_partnerships.partnership_list, name="partnership_list"),
    path(
        "<slug:slug>/partnerships/<int:pk>/end/",
        views_partnerships.partnership_end,
        name="partnership_end",
    ),
    path(
        "<slug:slug>/partnerships/<int:pk>/reassign/",
        views_partnerships.partnership_reassign_view,
        name="partnership_reassign",
    ),
    path("<slug:slug>/members/<int:pk>/", views_members.member_detail, name="member_detail"),
    path("<slug:slug>/members/<int:pk>/status/", views_members.member_status, name="member_status"),
    path("<slug:slug>/members/<int:pk>/remove/", views_members.member_remove, name="member_remove"),
]
