from django.urls import path

from tandem.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("<slug:slug>/next/", views.cohort_copy_view, name="copy"),
]
