"""Forms of the member import: upload a CSV file, then confirm the previewed file."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import ValidationFailed
from tandem.core.forms import TandemForm
from tandem.programs.services.member_import import member_import_check_size

MSG_NO_FILE = _("Choose the CSV file to import, then press Preview.")


class MemberImportUploadForm(TandemForm):
    """Step 1: the file. Its size is checked before anything reads it."""

    file = forms.FileField(
        label=_("Member CSV file"),
        # Empty files reach the parser, which explains what to do instead.
        allow_empty_file=True,
        error_messages={"required": MSG_NO_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_("UTF-8 CSV with the 14 columns of the member CSV format, at most 10 MB."),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            member_import_check_size(size=upload.size)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class MemberImportConfirmForm(TandemForm):
    """Step 3: ties the confirmation to the file that was previewed."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
