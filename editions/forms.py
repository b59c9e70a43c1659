"""Forms of the editors' desk: model forms with a correction note, and the upload form."""

from __future__ import annotations

from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    ARTICLE_BODY_MAX_CHARS,
    Article,
    Page,
    Paper,
    Section,
    lock_edition,
    section_slug,
)
from .sources import (
    MAX_ARCHIVE_BYTES,
    MAX_MEDIA_BYTES,
    MAX_MEMBER_BYTES,
    is_media_name,
    printable,
)

#: django-simple-history stores the change reason in a 100-character column.
CORRECTION_NOTE_MAX_LENGTH = 100


class CorrectionNoteForm(forms.ModelForm):
    """A model form whose change can carry a short note, kept as the history's change reason."""

    correction_note = forms.CharField(
        label=_("Correction note"),
        max_length=CORRECTION_NOTE_MAX_LENGTH,
        required=False,
        help_text=_(
            "Optional: why you made this change, in a few words (“wrong name in the "
            "byline”). It appears in the history."
        ),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class ArticleAdminForm(CorrectionNoteForm):
    """The article as an editor corrects it.

    The form carries the article's ``updated_at`` as it was when the editor
    opened it: if an import (or another editor) changed the article meanwhile,
    saving would silently put the old text back over the new one, and the next
    import would then keep it as a "correction". The save is refused instead,
    and the editor told to look at the current text.
    """

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = ("page", "position", "kicker", "title", "subtitle", "byline", "body")
        widgets = {
            "kicker": forms.TextInput(attrs={"class": "vLargeTextField article-line"}),
            "title": forms.TextInput(attrs={"class": "vLargeTextField article-line"}),
            "subtitle": forms.TextInput(attrs={"class": "vLargeTextField article-line"}),
            "byline": forms.TextInput(attrs={"class": "vLargeTextField article-line"}),
            "body": forms.Textarea(attrs={"rows": 20, "class": "article-body", "lang": "zh"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            body = self.fields["body"]
            body.max_length = ARTICLE_BODY_MAX_CHARS
            body.validators.append(MaxLengthValidator(ARTICLE_BODY_MAX_CHARS))
            body.widget.attrs["maxlength"] = ARTICLE_BODY_MAX_CHARS
            body.help_text = format_lazy(
                "{} {}",
                body.help_text,
                _("At most %(count)s characters.") % {"count": f"{ARTICLE_BODY_MAX_CHARS:,}"},
            )
        if self.instance.pk and self.instance.updated_at and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean_body(self):
        # Browsers send a textarea with CRLF line ends; stored as typed, an
        # untouched body would differ from the imported one and count as corrected.
        body = self.cleaned_data.get("body", "")
        return body.replace("\r\n", "\n").replace("\r", "\n")

    def clean(self):
        cleaned = super().clean()
        loaded = self.cleaned_data.get("loaded_version")
        if loaded and self.instance.pk:
            # The edition first, then the article: the lock order every writer keeps.
            # Inside the admin's change view the locks last until the save commits; a
            # revert (simple-history's view has no transaction of its own) checks only.
            with transaction.atomic():
                lock_edition(self.instance.page.edition_id)
                current = (
                    Article.objects.select_for_update()
                    .filter(pk=self.instance.pk)
                    .values_list("updated_at", flat=True)
                    .first()
                )
            if current is not None and current.isoformat() != loaded:
                raise forms.ValidationError(
                    _(
                        "This article was changed after you opened it (by an import or "
                        "another editor, at %(time)s). Your changes were not saved: open "
                        "the article again to see its current text, then make them again."
                    ),
                    params={"time": timezone.localtime(current).strftime("%Y-%m-%d %H:%M:%S")},
                    code="conflict",
                )
        return cleaned


class ArticleHeadlineForm(forms.ModelForm):
    """A headline in the list of a page's articles."""

    class Meta:
        model = Article
        fields = ("title", "byline")
        widgets = {
            "title": forms.TextInput(attrs={"size": 48}),
            "byline": forms.TextInput(attrs={"size": 24}),
        }


class PageAdminForm(CorrectionNoteForm):
    class Meta:
        model = Page
        fields = ("edition", "number", "label", "name", "section", "editor")


class SectionAdminForm(CorrectionNoteForm):
    """Section names are what editors type; the slug follows the name unless given."""

    class Meta:
        model = Section
        fields = ("name", "slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "ASCII name used in links; leave empty to make it from the pinyin of the "
                "name. Changing it changes the section's links."
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug and self.cleaned_data.get("name"):
            slug = section_slug(self.cleaned_data["name"])
        return slug


# --- uploading raw pages ---------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of uploaded files, handed on as they are.

    Files are not checked here on purpose: an empty or unreadable file is the
    importer's to report, beside the files that went in, rather than a form
    error that would turn the whole upload away.
    """

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


#: The whole of one upload at most: a year of a daily's page images zipped is well below.
MAX_UPLOAD_BYTES = 2 * 2**30


def upload_limit(name: str) -> int:
    """The largest file of this kind an upload (or ``import_pages``) takes."""
    if PurePosixPath(name).suffix.lower() == ".zip":
        return MAX_ARCHIVE_BYTES
    return MAX_MEDIA_BYTES if is_media_name(name) else MAX_MEMBER_BYTES


def upload_problem(upload) -> str:
    """Why an uploaded file is refused before anything is stored, or ''."""
    limit = upload_limit(upload.name)
    if upload.size is not None and upload.size > limit:
        return _("%(name)s is %(size)s; a file of its kind may be at most %(limit)s.") % {
            "name": printable(upload.name),
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(limit),
        }
    return ""


class RawPagesUploadForm(forms.Form):
    paper = forms.ModelChoiceField(
        label=_("Paper"),
        queryset=Paper.objects.none(),
        empty_label=None,
        help_text=_("The paper these pages were printed in."),
    )
    files = MultipleFileField(
        label=_("Raw page files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".txt,.htm,.html,.zip"}),
    )
    archive = forms.FileField(
        label=_("A .zip archive"),
        required=False,
        help_text=_("Optional: a .zip of raw page files, for example a whole day."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )
    date = forms.DateField(
        label=_("Edition date"),
        required=False,
        widget=AdminDateWidget,
        help_text=_(
            "Leave empty to read the date from the file names (2024-08-02, 20240802) or "
            "from a date line in the files."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish a new edition at once"),
        required=False,
        initial=True,
        help_text=_(
            "An edition this upload creates is shown to readers at once. Untick to "
            "check it first; an existing edition keeps its state."
        ),
    )
    overwrite = forms.BooleanField(
        label=_("Replace corrected articles"),
        required=False,
        help_text=_(
            "Articles corrected by editors are kept as they are unless this is ticked. "
            "Their corrections stay in the history."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only"),
        required=False,
        help_text=_("Read and check every file and show what would happen, saving nothing."),
    )

    def __init__(self, *args, papers=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The papers the editor works on: choosing another is not possible.
        self.fields["paper"].queryset = papers if papers is not None else Paper.objects.all()
        self.fields["files"].help_text = _(
            "One or many .txt, .htm or .html files as saved from the e-paper, page images "
            "and PDFs, or .zip archives of them. At most %(count)d files at a time: zip a "
            "larger day. Limits: %(page)s a page file, %(media)s an image or PDF, %(zip)s a "
            "zip, %(total)s in all."
        ) % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "page": filesizeformat(MAX_MEMBER_BYTES),
            "media": filesizeformat(MAX_MEDIA_BYTES),
            "zip": filesizeformat(MAX_ARCHIVE_BYTES),
            "total": filesizeformat(MAX_UPLOAD_BYTES),
        }

    def clean(self):
        cleaned = super().clean()
        uploads = self.uploads()
        if not uploads:
            raise forms.ValidationError(
                _("Choose at least one raw page file or a .zip archive."), code="empty"
            )
        errors = [problem for upload in uploads if (problem := upload_problem(upload))]
        total = sum(upload.size or 0 for upload in uploads)
        if total > MAX_UPLOAD_BYTES:
            errors.append(
                _("The upload is %(size)s in all; at most %(limit)s can be uploaded at once.")
                % {"size": filesizeformat(total), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        if errors:
            raise forms.ValidationError(errors, code="too-large")
        return cleaned

    def uploads(self) -> list:
        """Every uploaded file, the multi-file input's first, then the archive."""
        files = list(self.cleaned_data.get("files") or [])
        archive = self.cleaned_data.get("archive")
        if archive:
            files.append(archive)
        return files
