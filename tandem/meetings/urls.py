from django.urls import path

from tandem.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("partnership/<int:pk>/", views.partnership_schedule, name="schedule"),
    path("partnership/<int:pk>/propose/", views.series_propose, name="series_propose"),
    path(
        "series/<int:pk>/accept/",
        views.series_answer,
        {"answer": "accept"},
        name="series_accept",
    ),
    path(
        "series/<int:pk>/decline/",
        views.series_answer,
        {"answer": "decline"},
        name="series_decline",
    ),
    path(
        "reschedules/<int:pk>/accept/",
        views.reschedule_answer,
        {"answer": "accept"},
        name="reschedule_accept",
    ),
    path(
        "reschedules/<int:pk>/decline/",
        views.reschedule_answer,
        {"answer": "decline"},
        name="reschedule_decline",
    ),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/mark/", views.meeting_mark, name="mark"),
    path("<int:pk>/turns/", views.turn_panel, name="turns"),
    path("<int:pk>/turns/start/", views.turn_action, {"action": "start"}, name="turn_start"),
    path(
        "<int:pk>/turns/hand-over/",
        views.turn_action,
        {"action": "hand_over"},
        name="turn_hand_over",
    ),
    path("<int:pk>/commitment/", views.commitment_save, name="commitment"),
    path(
        "<int:pk>/commitments/<int:commitment_id>/review/",
        views.commitment_review,
        name="commitment_review",
    ),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("notes/<int:pk>/", views.note_edit, name="note_edit"),
]
