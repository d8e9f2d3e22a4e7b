from django.urls import path

from tandem.privacy import views

app_name = "privacy"

urlpatterns = [
    path("data/", views.data_download, name="data"),
    path("delete/", views.data_delete, name="delete"),
]
