"""Help flags move from goals to support with their rows.

Support takes the model into its state on goals' table, then renames the table and its indexes
to support's names; goals drops the model from its state only (goals 0003, which runs after
this). The content type follows, so permissions given on help flags stay. On PostgreSQL the id
sequence and the foreign-key constraints keep their goals_ names: Django finds them by column.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tandem.core.clock


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label=target, model="helpflag").exists():
        content_types.filter(app_label=source, model="helpflag").update(app_label=target)


def content_type_to_support(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="goals", target="support")


def content_type_to_goals(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="support", target="goals")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("goals", "0002_help_flag_handled"),
        ("programs", "0004_program_previous_cohort"),
        ("support", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HelpFlag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("crisis", "Crisis line"),
                                    ("counselling", "Counselling"),
                                    ("eap", "Employee assistance"),
                                    ("hr", "HR"),
                                    ("career", "Career advice"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("raised_at", models.DateTimeField(default=tandem.core.clock.now)),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "handled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "membership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="programs.membership",
                            ),
                        ),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="help_flags",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "goals_helpflag",
                        "ordering": ["-raised_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["program", "-raised_at"],
                                name="goals_helpf_program_08fde3_idx",
                            ),
                            models.Index(
                                fields=["program", "handled_at"],
                                name="goals_helpf_program_2d57d7_idx",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="helpflag", table=None),
        migrations.RenameIndex(
            model_name="helpflag",
            new_name="support_hel_program_1783b9_idx",
            old_name="goals_helpf_program_08fde3_idx",
        ),
        migrations.RenameIndex(
            model_name="helpflag",
            new_name="support_hel_program_c1310a_idx",
            old_name="goals_helpf_program_2d57d7_idx",
        ),
        migrations.RunPython(content_type_to_support, content_type_to_goals),
    ]
