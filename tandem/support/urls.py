from django.urls import path

from tandem.support import views

app_name = "support"

urlpatterns = [
    path("<slug:slug>/", views.support_list, name="list"),
    path("<slug:slug>/cadence/", views.support_plan, name="plan"),
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
