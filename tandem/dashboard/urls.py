from django.urls import path

from tandem.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("<slug:slug>/", views.program_dashboard, name="program"),
    path("<slug:slug>/cockpit/", views.cockpit, name="cockpit"),
    path("<slug:slug>/me/", views.member_home, name="member_home"),
    path("<slug:slug>/export.csv", views.figures_export, name="export"),
    path("<slug:slug>/nudge-stalled/", views.stalled_nudge, name="nudge_stalled"),
    path(
        "<slug:slug>/help-flags/<int:pk>/handled/",
        views.help_flag_handle,
        name="help_flag_handle",
    ),
    path(
        "<slug:slug>/help-flags/<int:pk>/reopen/",
        views.help_flag_reopen,
        name="help_flag_reopen",
    ),
]

# The coordinator's tools: partnerships with their health, and one member's page.
from tandem.dashboard import views_members, views_partnerships  # noqa: E402

urlpatterns += views_partnerships.urlpatterns + views_members.urlpatterns
