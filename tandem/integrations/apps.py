from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tandem.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from tandem.core.events import events_happened
        from tandem.integrations.tasks import deliveries_create_and_enqueue

        events_happened.fill(deliveries_create_and_enqueue)
