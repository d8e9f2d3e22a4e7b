from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tandem.dashboard"
    label = "dashboard"
    verbose_name = "Member home and coordinator dashboard"

    def ready(self) -> None:
        from tandem.dashboard import introduction
        from tandem.matching import slots

        # The introduction email previews the first month (docs/partnerships.md).
        slots.introduction_preview.fill(introduction.introduction_preview)
