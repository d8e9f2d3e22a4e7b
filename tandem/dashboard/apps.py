from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tandem.dashboard"
    label = "dashboard"
    verbose_name = "Member home and coordinator dashboard"
