"""The raw page upload page: the importer service behind a form, for editors without a shell.

It has no import logic of its own. The uploaded files go through
:func:`editions.sources.iter_uploaded_sources` into
:func:`editions.services.pages_import`, the same service as ``manage.py
import_pages``, and the editor sees the report the command prints: one row a
file, and the summary. A bad file is one failed row; the others are imported.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..forms import RawPagesUploadForm
from ..models import ImportRun
from ..services import pages_import
from ..sources import iter_uploaded_sources
from .papers import user_papers

#: How each per-file status reads in the results table ("created" alone is
#: also a field name, hence the context).
STATUS_LABELS = {
    "created": pgettext_lazy("import result", "created"),
    "updated": pgettext_lazy("import result", "updated"),
    "unchanged": pgettext_lazy("import result", "unchanged"),
    "skipped": pgettext_lazy("import result", "kept (corrected by an editor)"),
    "failed": pgettext_lazy("import result", "failed"),
}
UPLOAD_FIELDSETS = [
    (gettext_lazy("Files"), {"fields": ["paper", "files", "archive"]}),
    (gettext_lazy("Options"), {"fields": ["date", "publish", "overwrite", "dry_run"]}),
]


class RawPageUploadMixin:
    """Adds ``upload/`` to a ModelAdmin of ImportRun: the form, then the import's report."""

    upload_template = "admin/editions/importrun/upload.html"
    #: The permission that lets an editor upload; an import leaves an ImportRun behind.
    upload_permission = "editions.add_importrun"

    def has_upload_permission(self, request) -> bool:
        return request.user.has_perm(self.upload_permission)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name=f"{opts.app_label}_{opts.model_name}_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        report = None
        papers = user_papers(request)
        if request.method == "POST":
            form = RawPagesUploadForm(request.POST, request.FILES, papers=papers)
            if form.is_valid():
                report = self.run_import(request, form)
                form = RawPagesUploadForm(initial=self.options_of(form), papers=papers)
        else:
            form = RawPagesUploadForm(papers=papers)
        return TemplateResponse(
            request, self.upload_template, self.upload_context(request, form, report)
        )

    def run_import(self, request, form):
        uploads = form.uploads()
        options = form.cleaned_data
        report = pages_import(
            iter_uploaded_sources(uploads),
            paper=options["paper"],
            date=options["date"],
            dry_run=options["dry_run"],
            publish=options["publish"],
            overwrite=options["overwrite"],
            source=ImportRun.Source.ADMIN,
            user=request.user,
            label="\n".join(upload.name for upload in uploads),
        )
        return report

    @staticmethod
    def options_of(form) -> dict:
        """The options of the last upload, kept for the next one (files never are)."""
        return {
            name: form.cleaned_data[name]
            for name in ("paper", "date", "publish", "overwrite", "dry_run")
        }

    def upload_context(self, request, form, report) -> dict:
        opts = self.model._meta
        results = []
        run_url = None
        if report is not None:
            results = [
                {
                    "name": result.name,
                    "status": result.status,
                    "status_label": STATUS_LABELS.get(result.status, result.status),
                    "detail": result.detail,
                }
                for result in report.results
            ]
            if report.run is not None:
                run_url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[report.run.pk],
                )
        return {
            **self.admin_site.each_context(request),
            "title": _("Upload raw pages"),
            "opts": opts,
            "app_label": opts.app_label,
            "form": form,
            "adminform": helpers.AdminForm(form, UPLOAD_FIELDSETS, {}, model_admin=self),
            "media": self.media + form.media,
            "report": report,
            "results": results,
            "run_url": run_url,
        }
