from django.apps import AppConfig


class WorksheetsConfig(AppConfig):
    name = "tandem.worksheets"
    label = "worksheets"
    verbose_name = "Worksheets"

    def ready(self) -> None:
        from tandem.programs import slots
        from tandem.worksheets import services

        # A new program starts with the three suggested worksheets (docs/worksheets.md).
        slots.program_created.fill(services.worksheet_defaults_for_new_program)
