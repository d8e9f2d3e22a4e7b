"""Help flags moved to support (support 0002 took the table): drop the model from goals' state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_emails_sent_once"),
        ("support", "0002_helpflag_from_goals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HelpFlag")],
            database_operations=[],
        ),
    ]
