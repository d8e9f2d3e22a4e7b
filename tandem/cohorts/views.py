"""The "Next cohort" page: copy a program into a new draft (its coordinators only)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tandem.cohorts.services import program_copy
from tandem.core.errors import DomainError
from tandem.core.forms import TandemForm, submit
from tandem.programs.selectors import access_program_as_coordinator


class CohortForm(TandemForm):
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=500)
    slug = forms.CharField(
        label=gettext_lazy("Web address"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Leave empty to make one from the name."),
    )


@require_http_methods(["GET", "POST"])
def cohort_copy_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Copy the program's settings, documents, resources and surveys into a new draft."""
    source = access_program_as_coordinator(user=request.user, slug=slug)
    form = CohortForm(request.POST or None, initial={"name": source.name})
    if request.method == "POST" and (
        program := submit(
            form,
            lambda data: program_copy(source=source, coordinator=request.user, **data),
            refusals=(DomainError,),
        )
    ):
        messages.success(
            request,
            _(
                "“%(name)s” is ready as a draft, with the settings, documents, resources and "
                "surveys of %(source)s. Set its dates below."
            )
            % {"name": program.name, "source": source.name},
        )
        return redirect("programs:manage", slug=program.slug)
    status = 400 if form.errors else 200
    return render(request, "cohorts/copy.html", {"program": source, "form": form}, status=status)
