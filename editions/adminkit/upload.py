"""The raw page upload page: the importer behind a form, for editors without a shell.

It has no import logic of its own. The form checks the upload's size (the same
limits as ``import_pages``), the files are stored and an import job is queued
(:mod:`editions.jobs`); the page answers at once with the run's status page,
which follows the job (queued, running with files done and failures so far,
then the report the command prints: one row a file, and the summary) and can
cancel it. A bad file is one failed row; the others are imported.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from .. import jobs
from ..forms import RawPagesUploadForm
from ..importing import new_run
from ..models import ImportRun
from .papers import limit_to_papers, user_papers

#: How each per-file status reads in the results table ("created" alone is
#: also a field name, hence the context).
STATUS_LABELS = {
    "created": pgettext_lazy("import result", "created"),
    "updated": pgettext_lazy("import result", "updated"),
    "unchanged": pgettext_lazy("import result", "unchanged"),
    "skipped": pgettext_lazy("import result", "kept (corrected by an editor)"),
    "failed": pgettext_lazy("import result", "failed"),
}
#: The session key of the last upload's options, offered again on the next form.
_LAST = "editions:last-upload-options"
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

    status_template = "admin/editions/importrun/status.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name=f"{name}_upload"),
            path("upload/<int:run_id>/", view(self.status_view), name=f"{name}_status"),
            path(
                "upload/<int:run_id>/cancel/",
                view(require_POST(self.cancel_view)),
                name=f"{name}_cancel",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        papers = user_papers(request)
        if request.method == "POST":
            form = RawPagesUploadForm(request.POST, request.FILES, papers=papers)
            if form.is_valid():
                run = self.queue_import(request, form)
                return HttpResponseRedirect(self.status_url(run))
        else:
            form = RawPagesUploadForm(papers=papers, initial=request.session.get(_LAST, {}))
        return TemplateResponse(request, self.upload_template, self.upload_context(request, form))

    def queue_import(self, request, form) -> ImportRun:
        """Store the upload and queue its import; the run is shown while the job works."""
        uploads = form.uploads()
        options = form.cleaned_data
        run = new_run(
            source=ImportRun.Source.ADMIN,
            user=request.user,
            paper=options["paper"],
            label="\n".join(upload.name for upload in uploads),
            dry_run=options["dry_run"],
            options={
                "date": options["date"].isoformat() if options["date"] else None,
                "paper": options["paper"].pk,
                "publish": options["publish"],
                "overwrite": options["overwrite"],
            },
        )
        run.status = ImportRun.State.QUEUED
        run.options["stored"] = jobs.store_uploads(run, uploads)
        run.save(update_fields=["status", "options"])
        request.session[_LAST] = self.options_of(form)
        jobs.queue_import(run)
        return run

    def status_url(self, run: ImportRun) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_status", args=[run.pk]
        )

    def upload_run(self, request, run_id: int) -> ImportRun:
        """An upload's run, if it is of the user's papers."""
        runs = limit_to_papers(
            ImportRun.objects.filter(source=ImportRun.Source.ADMIN), "paper", request
        )
        return get_object_or_404(runs.select_related("paper", "user"), pk=run_id)

    def status_view(self, request, run_id: int):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        jobs.settle_stale_runs()
        run = self.upload_run(request, run_id)
        return TemplateResponse(request, self.status_template, self.status_context(request, run))

    def cancel_view(self, request, run_id: int):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        run = self.upload_run(request, run_id)
        if run.is_over:
            raise Http404(_("This import is over."))
        jobs.request_cancel(run)
        self.message_user(request, _("The import was asked to stop."), messages.INFO)
        return HttpResponseRedirect(self.status_url(run))

    @staticmethod
    def options_of(form) -> dict:
        """The options of the last upload, kept for the next one (files never are)."""
        data = form.cleaned_data
        return {
            "paper": data["paper"].pk,
            "date": data["date"].isoformat() if data["date"] else None,
            **{name: data[name] for name in ("publish", "overwrite", "dry_run")},
        }

    def upload_context(self, request, form) -> dict:
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "title": _("Upload raw pages"),
            "opts": opts,
            "app_label": opts.app_label,
            "form": form,
            "adminform": helpers.AdminForm(form, UPLOAD_FIELDSETS, {}, model_admin=self),
            "media": self.media + form.media,
        }

    def status_context(self, request, run: ImportRun) -> dict:
        opts = self.model._meta
        results = [
            {
                "name": name,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "detail": detail,
            }
            for name, status, detail in run.results
        ]
        return {
            **self.admin_site.each_context(request),
            "title": _("Import of uploaded pages"),
            "opts": opts,
            "app_label": opts.app_label,
            "run": run,
            "results": results,
            "results_cut": run.is_over and run.files > len(results),
            "run_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[run.pk]
            ),
            "cancel_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_cancel", args=[run.pk]
            ),
            "upload_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_upload"
            ),
        }
