from django.urls import include, path

from tandem.support import views

app_name = "support"

support_patterns = [
    path("<slug:slug>/", views.support_list, name="list"),
    path("<slug:slug>/cadence/", views.support_plan, name="plan"),
    path("<slug:slug>/messages/", views.check_in_templates, name="templates"),
    path("<slug:slug>/messages/<int:pk>/", views.check_in_template_edit, name="template_edit"),
    path(
        "<slug:slug>/messages/<int:pk>/remove/",
        views.check_in_template_remove,
        name="template_remove",
    ),
    path("<slug:slug>/partnerships/<int:pk>/", views.support_partnership, name="partnership"),
    path(
        "<slug:slug>/partnerships/<int:pk>/check-ins/",
        views.check_in_record,
        name="check_in_record",
    ),
    path(
        "<slug:slug>/partnerships/<int:pk>/message/",
        views.check_in_message,
        name="check_in_message",
    ),
]

# Help requests keep the addresses they had before they moved here from goals and the dashboard,
# so bookmarks and forms in pages already open keep working.
help_patterns = [
    path("goals/p/<slug:slug>/help/", views.help_flag_raise, name="help_flag"),
    path(
        "dashboard/<slug:slug>/help-flags/<int:pk>/handled/",
        views.help_flag_handle,
        name="help_flag_handle",
    ),
    path(
        "dashboard/<slug:slug>/help-flags/<int:pk>/reopen/",
        views.help_flag_reopen,
        name="help_flag_reopen",
    ),
]

urlpatterns = [path("support/", include(support_patterns)), *help_patterns]
