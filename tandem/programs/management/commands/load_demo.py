"""``manage.py load_demo``: load the demo program and print its sign-ins (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.core.links import absolute_url
from tandem.programs.demo import loader

MSG_LOADED = 'Demo loaded: program "{program}" with {created} new members ({updated} updated).'
MSG_ALREADY = 'Demo already loaded: program "{program}" is there; nothing added.'
MSG_EVERY_MEMBER = "  Every demo member signs in with {password}; their addresses are on the program's People page."


class Command(BaseCommand):
    help = (
        "Load the demo program (a coordinator and about 40 members); running it again adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = loader.demo_load()
        if result.added_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    MSG_LOADED.format(
                        program=result.program.name,
                        created=result.members_created,
                        updated=result.members_updated,
                    )
                )
            )
        else:
            self.stdout.write(MSG_ALREADY.format(program=result.program.name))
        self.stdout.write(f"Program page: {absolute_url(result.program.get_absolute_url())}")
        self.stdout.write("Demo sign-ins (demo data only, never use these elsewhere):")
        self.stdout.write(
            f"  coordinator  {loader.COORDINATOR_EMAIL}  {loader.COORDINATOR_PASSWORD}"
        )
        for email in loader.MEMBER_EMAILS:
            self.stdout.write(f"  member       {email}  {loader.MEMBER_PASSWORD}")
        self.stdout.write(MSG_EVERY_MEMBER.format(password=loader.MEMBER_PASSWORD))
