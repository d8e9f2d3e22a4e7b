"""The caller's own account over the API: who am I, my programs, my tokens."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from tandem.accounts import selectors, services, slots
from tandem.api.errors import errors

router = Router(tags=["me"])


class MyMembershipOut(Schema):
    program: str
    program_name: str
    role: str
    status: str


class MeOut(Schema):
    email: str
    name: str
    language: str = Field(description="Pages and emails use it; empty follows the browser.")
    programs: list[MyMembershipOut]


class LanguageIO(Schema):
    language: str = Field(description="One of the site's languages (en, es, fr), or empty.")


class ApiTokenOut(Schema):
    id: int
    label: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None


@router.get("", response={200: MeOut, **errors()}, url_name="me")
def me(request: HttpRequest) -> MeOut:
    """Return the signed-in person and their role in each of their programs."""
    user = request.user
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        name=user.name,  # type: ignore[union-attr]
        language=user.language,  # type: ignore[union-attr]
        programs=[
            MyMembershipOut(
                program=m.program_slug, program_name=m.program_name, role=m.role, status=m.status
            )
            for m in slots.memberships_of(user=user)
        ],
    )


@router.get("/tokens", response={200: list[ApiTokenOut], **errors()})
def token_list(request: HttpRequest) -> list[ApiTokenOut]:
    """List your personal API tokens that still work (never their values)."""
    return [
        ApiTokenOut.model_validate(token, from_attributes=True)
        for token in selectors.api_token_list_for(user=request.user)  # type: ignore[arg-type]
    ]


@router.delete("/tokens/{token_id}", response={204: None, **errors(403, 404, 422)})
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens; it stops working at once."""
    services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return HttpResponse(status=204)


@router.put("/language", response={200: LanguageIO, **errors(400, 403, 422)})
def language_set(request: HttpRequest, payload: LanguageIO) -> LanguageIO:
    """Choose the language pages, emails and API answers use for you; empty follows the browser."""
    user = services.user_language_set(user=request.user, language=payload.language)  # type: ignore[arg-type]
    return LanguageIO(language=user.language)
