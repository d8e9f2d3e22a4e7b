"""The audit log's address (``audit:log``), kept apart from the dashboard's own names."""

from django.urls import path

from tandem.dashboard import views_audit

app_name = "audit"

urlpatterns = [
    path("<slug:slug>/", views_audit.audit_log, name="log"),
]
