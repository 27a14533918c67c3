from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.core.imports import registry
from epigrid.core.models import ImportRun


class ImportForm(forms.Form):
    importer = forms.ChoiceField(label=gettext_lazy("Records"))
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
    sheet = forms.CharField(label=gettext_lazy("Sheet"), max_length=100, required=False,
                            help_text=gettext_lazy("XLSX only; empty means the first sheet."))
    mode = forms.ChoiceField(label=gettext_lazy("When rows are wrong"),
                             choices=ImportRun.Mode.choices, initial=ImportRun.Mode.VALID_ROWS,
                             widget=forms.RadioSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [  # type: ignore[attr-defined]
            (importer.name, importer.label) for importer in registry.importers_for(user)]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = int(settings.IMPORT_MAX_UPLOAD_BYTES)
        if (upload.size or 0) > limit:
            raise forms.ValidationError(_("The file is larger than %(limit)s.")
                                        % {"limit": filesizeformat(limit)})
        return upload
