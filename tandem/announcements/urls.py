from django.urls import path

from tandem.announcements import views

app_name = "announcements"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("<slug:slug>/", views.announcement_list_view, name="list"),
    path("<slug:slug>/new/", views.announcement_new_view, name="new"),
    path("<slug:slug>/remind-intake/", views.intake_remind_view, name="intake_remind"),
]
