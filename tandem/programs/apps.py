from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "tandem.programs"
    label = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from tandem.programs import for_accounts

        for_accounts.fill()
