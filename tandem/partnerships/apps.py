from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "tandem.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from tandem.partnerships.services.coordinator import program_partnerships_close
        from tandem.programs import slots

        slots.program_closing.fill(program_partnerships_close)
