"""The API's error body, and the ``response=`` entries that declare it in the OpenAPI schema.

Every error answer has the same body, made by the exception handlers in ``config/api.py``:
``{"detail": ..., "field": ...}``, plus ``errors`` (one entry per input at fault) on a 422.
An operation declares the statuses it can answer::

    @router.post("/series", response={201: SeriesOut, **errors(400, 403, 404, 409, 422)})

Which status means what is in docs/api.md.
"""

from ninja import Schema


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """What went wrong, written for a person, and the input at fault (null when none is)."""

    detail: str
    field: str | None


class ValidationErrorOut(ErrorOut):
    """A request that does not match the schema (422), or an intake with several answers to fix."""

    errors: list[FieldErrorOut]


def errors(*statuses: int, authenticated: bool = True) -> dict[int, type[ErrorOut]]:
    """Return ``response=`` entries for these error statuses.

    401 (no valid token or session) is added unless ``authenticated`` is false; a 422 body
    carries the per-field ``errors`` list.
    """
    codes = {*statuses, 401} if authenticated else set(statuses)
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in sorted(codes)}
