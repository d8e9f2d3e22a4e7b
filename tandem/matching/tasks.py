"""Background work for matching, run by the django-tasks-db worker."""

from django.tasks import task

from tandem.matching import runs


@task()
def match_run_task(run_id: int) -> str:
    """Match a large run in the worker; return its final status."""
    return runs.match_run_execute(run_id=run_id).status


@task()
def match_introductions_task(run_id: int) -> int:
    """Send the introduction emails of a published run; return how many went out now."""
    return runs.match_introductions_send(run_id=run_id)
