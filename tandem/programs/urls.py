from django.urls import path

from tandem.programs import views

app_name = "programs"

urlpatterns = [
    path("<slug:slug>/", views.program_public, name="public"),
    path("<slug:slug>/home/", views.program_detail, name="detail"),
]
