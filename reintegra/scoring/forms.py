"""Forms of the scoring pages."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PROFILE_EXTENSIONS = ("yaml", "yml", "json")


class ProfileUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Profile file"),
        help_text=_("A scoring profile in YAML or JSON (see the profile format in the documentation)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    make_default = forms.BooleanField(
        label=_("Make it the default profile"),
        required=False,
        help_text=_("New responses are then scored with it. Existing scores are kept."),
    )

    def clean_file(self) -> str:
        """The file's text (UTF-8), after the size and type checks."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                gettext("The file is too large: the limit is %(size)s MB.")
                % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in PROFILE_EXTENSIONS:
            raise ValidationError(
                gettext("This type of file is not accepted. Allowed: %(types)s.")
                % {"types": ", ".join(PROFILE_EXTENSIONS)}
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(gettext("The file is not UTF-8 text.")) from error
