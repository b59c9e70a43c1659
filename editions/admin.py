"""The editors' desk: what editors see in the Django admin.

Editors are journalists: they fix a headline, a name in a byline, a paragraph
the import split badly, and publish or withdraw an edition. So every change to
an article, page or section is versioned (who, when, what, with an optional
note) and can be reverted; the imported text stays beside the corrected one;
lists cost a fixed number of queries however long the paper is; and the
identity of a row (edition date, page number, article position), which
re-imports rely on, is shown but not edited by hand.

The machinery lives in :mod:`editions.adminkit`; this module says what is shown.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from . import jobs
from .adminkit import regions as regions_admin
from .adminkit.history import REASON_MAX_LENGTH, VersionedAdmin, field_changes
from .adminkit.papers import PaperScopedAdmin, ScopedRelatedFilter, limit_to_papers
from .adminkit.upload import RawPageUploadMixin
from .forms import ArticleAdminForm, ArticleHeadlineForm, SectionAdminForm
from .models import ARTICLE_TEXT_FIELDS, Article, Edition, ImportRun, Page, Paper, Region, Section
from .printed import render_pages_for

admin.site.site_header = format_lazy("{} · {}", settings.NEWSPAPER_GROUP_NAME, _("Editors' desk"))
admin.site.site_title = _("Editors' desk")
admin.site.index_title = _("Editors' desk")


# --- filters ---------------------------------------------------------------------------


class EditionDateFilter(admin.SimpleListFilter):
    """The latest editions by date; older ones through the date drill-down above the list."""

    title = _("edition")
    parameter_name = "edition"
    recent = 31

    def lookups(self, request, model_admin):
        editions = limit_to_papers(Edition.objects.all(), "paper", request)
        dates = editions.order_by("-date").values_list("date", flat=True).distinct()
        return [(day.isoformat(), day.isoformat()) for day in dates[: self.recent]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()  # ?edition=notadate: nothing matches, no error
        return queryset.filter(page__edition__date=day)


class PageNumberFilter(admin.SimpleListFilter):
    """Page 1, page 2, …: the page's order in its edition, whatever the printed label."""

    title = _("page")
    parameter_name = "page"

    def lookups(self, request, model_admin):
        numbers = Page.objects.order_by("number").values_list("number", flat=True).distinct()
        return [(str(number), _("page %(number)d") % {"number": number}) for number in numbers]

    def queryset(self, request, queryset):
        value = self.value() or ""
        # str.isdigit() accepts "²"; only ASCII digits are a page number.
        if value.isascii() and value.isdigit() and len(value) < 6:
            return queryset.filter(page__number=int(value))
        return queryset


# --- papers ----------------------------------------------------------------------------


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    """The titles of the group: managed by superusers, who also say who edits each."""

    list_display = ("name", "code", "is_listed", "position", "edition_count", "latest")
    list_editable = ("position",)
    search_fields = ("name", "code")
    filter_horizontal = ("editors",)
    view_on_site = True
    fieldsets = (
        (None, {"fields": ("name", "code", "subtitle", "language", "colour")}),
        (_("Readers"), {"fields": ("is_listed", "position")}),
        (_("Editors"), {"fields": ("editors",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(edition_total=Count("editions"), latest_date=Max("editions__date"))
        )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("editions"), ordering="edition_total")
    def edition_count(self, paper):
        return paper.edition_total

    @admin.display(description=_("latest edition"), ordering="latest_date")
    def latest(self, paper):
        return paper.latest_date or "—"


# --- editions --------------------------------------------------------------------------


class PageOverviewInline(admin.TabularInline):
    """An edition's pages at a glance; a page is corrected on its own form."""

    model = Page
    fields = ("number", "label", "name", "section", "editor", "article_count")
    readonly_fields = fields
    ordering = ("number",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_article_total()

    # Pages come from the import and are edited on their own form.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("articles"))
    def article_count(self, page):
        return page.article_total


@admin.register(Edition)
class EditionAdmin(PaperScopedAdmin):
    list_display = (
        "date",
        "paper",
        "name",
        "is_published",
        "page_count",
        "article_count",
        "corrected_count",
        "updated_at",
    )
    list_filter = (("paper", ScopedRelatedFilter), "is_published")
    list_select_related = ("paper",)
    date_hierarchy = "date"
    actions = ("publish_editions", "withdraw_editions")
    inlines = (PageOverviewInline,)
    fields = ("paper", "date", "code", "name", "is_published", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
    view_on_site = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("paper")
            .annotate(
                page_total=Count("pages", distinct=True),
                article_total=Count("pages__articles", distinct=True),
                corrected_total=Count(
                    "pages__articles",
                    filter=Q(pages__articles__is_corrected=True),
                    distinct=True,
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Paper, date and code identify the edition to re-imports and readers' links.
            readonly += ["paper", "date", "code"]
        if not self.has_publish_permission(request):
            readonly.append("is_published")
        return readonly

    def save_model(self, request, obj, form, change):
        if not change and not self.has_publish_permission(request):
            # Without the right to publish, a new edition waits for someone who has it.
            obj.is_published = False
        super().save_model(request, obj, form, change)

    @admin.display(description=_("pages"), ordering="page_total")
    def page_count(self, edition):
        return edition.page_total

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, edition):
        return edition.article_total

    @admin.display(description=_("corrected"), ordering="corrected_total")
    def corrected_count(self, edition):
        return edition.corrected_total

    # Publishing -------------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("editions.publish_edition")

    #: What an editor is told after publishing (True) or withdrawing (False) editions.
    publishing_messages = {
        True: ngettext_lazy(
            "%(count)d edition published: readers see it now.",
            "%(count)d editions published: readers see them now.",
            "count",
        ),
        False: ngettext_lazy(
            "%(count)d edition withdrawn: readers no longer see it.",
            "%(count)d editions withdrawn: readers no longer see them.",
            "count",
        ),
    }

    @admin.action(permissions=["publish"], description=_("Publish the selected editions"))
    def publish_editions(self, request, queryset):
        self._set_published(request, queryset, published=True)

    @admin.action(permissions=["publish"], description=_("Withdraw the selected editions"))
    def withdraw_editions(self, request, queryset):
        self._set_published(request, queryset, published=False)

    def _set_published(self, request, queryset, *, published: bool) -> None:
        editions = list(queryset.exclude(is_published=published).order_by())
        # updated_at moves too: readers' caches key on it.
        Edition.objects.filter(pk__in=[e.pk for e in editions]).update(
            is_published=published, updated_at=timezone.now()
        )
        for edition in editions:
            edition.is_published = published
            self.log_change(request, edition, [{"changed": {"fields": ["is_published"]}}])
        message = self.publishing_messages[published] % {"count": len(editions)}
        self.message_user(request, message, messages.SUCCESS)


# --- pages -----------------------------------------------------------------------------


class ArticleInline(admin.TabularInline):
    """A page's articles in page order; headlines can be fixed here, bodies on the article."""

    model = Article
    fk_name = "page"
    form = ArticleHeadlineForm
    fields = ("position", "title", "byline", "is_corrected")
    readonly_fields = ("position", "is_corrected")
    ordering = ("position",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page__edition")

    def has_add_permission(self, request, obj=None):
        # Articles come from the import, which places them; see the article list to add one.
        return False


@admin.register(Page)
class PageAdmin(PaperScopedAdmin, VersionedAdmin):
    form = regions_admin.PageFilesRegionsForm
    paper_lookup = "edition__paper"
    list_display = (
        "edition_date",
        "label",
        "name",
        "section",
        "editor",
        "article_count",
        "regions_origin",
    )
    list_display_links = ("label", "name")
    list_select_related = ("edition__paper", "section")
    list_filter = (
        ("edition__paper", ScopedRelatedFilter),
        "edition__is_published",
        regions_admin.RegionOriginFilter,
    )
    date_hierarchy = "edition__date"
    search_fields = ("name", "label", "editor", "section__name")
    ordering = ("-edition__date", "number")
    autocomplete_fields = ("section",)
    fieldsets = (
        (None, {"fields": ("edition", "number", "label", "name", "section", "editor")}),
        (
            _("The page as printed"),
            {"fields": ("printed_files", "image_upload", "pdf_upload", "regions")},
        ),
        (None, {"fields": ("correction_note",)}),
    )
    inlines = (ArticleInline,)
    view_on_site = True
    history_diff_fields = ("label", "name", "section", "editor", "image", "pdf")
    history_select_related = ("section",)

    def get_queryset(self, request):
        return regions_admin.with_region_origin(super().get_queryset(request).with_article_total())

    def get_readonly_fields(self, request, obj=None):
        # Edition and number identify the page to re-imports: shown, not edited.
        return ("edition", "number", "printed_files") if obj else ("printed_files",)

    @admin.display(description=_("edition"), ordering="edition__date")
    def edition_date(self, page):
        return page.edition

    def paper_of_version(self, version):
        return Edition.objects.filter(pk=version.edition_id).values_list("paper", flat=True).first()

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, page):
        return page.article_total

    @admin.display(description=_("regions"))
    def regions_origin(self, page):
        return regions_admin.origin_label(page)

    @admin.display(description=_("Files"))
    def printed_files(self, page):
        if page is None or page.pk is None:
            return "—"
        links = [
            format_html('<a href="{}">{}</a>', field.url, label)
            for field, label in ((page.image, _("page image")), (page.pdf, _("page PDF")))
            if field
        ]
        return format_html_join(" · ", "{}", ((link,) for link in links)) if links else "—"

    def change_reason(self, request, form) -> str | None:
        reason = super().change_reason(request, form)
        note = form.region_note() if hasattr(form, "region_note") else ""
        joined = "; ".join(part for part in (reason, note) if part)
        return Truncator(joined).chars(REASON_MAX_LENGTH) or None

    def save_model(self, request, obj, form, change):
        uploaded = regions_admin.store_uploads(obj, form)
        super().save_model(request, obj, form, change)
        drawn = form.cleaned_data.get("regions")
        if drawn is not None:
            regions_admin.save_regions(obj, drawn)
        if uploaded or drawn is not None:
            # Derivatives for a new file, crops for new regions; detection skips regions
            # an editor drew. Made now, so the editor's next look at the page shows them.
            render_pages_for([obj], force=uploaded)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        name = str(Region._meta.verbose_name)
        for kind, region in getattr(form, "region_log", []):
            entry = {"name": name, "object": region}
            if kind == "changed":
                entry["fields"] = [str(Region._meta.get_field("points").verbose_name)]
            message.append({kind: entry})
        return message


# --- articles --------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(PaperScopedAdmin, VersionedAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "edition_date",
        "page_display",
        "position",
        "is_corrected",
        "has_text",
    )
    paper_lookup = "page__edition__paper"
    list_select_related = ("page__edition__paper", "page__section")
    list_filter = (
        ("page__edition__paper", ScopedRelatedFilter),
        EditionDateFilter,
        ("page__section", ScopedRelatedFilter),
        PageNumberFilter,
        "is_corrected",
    )
    date_hierarchy = "page__edition__date"
    search_fields = ("title", "subtitle", "kicker", "byline", "body")
    ordering = ("-page__edition__date", "page__number", "position")
    autocomplete_fields = ("page",)
    actions = ("restore_imported_text",)
    view_on_site = True
    fieldsets = (
        (_("Where it is printed"), {"fields": ("page", "position")}),
        (
            _("Text"),
            {
                "fields": (
                    "kicker",
                    "title",
                    "subtitle",
                    "byline",
                    "body",
                    "correction_note",
                    "loaded_version",
                ),
                "description": _(
                    "Saving keeps the previous text in the history, where any version can "
                    "be restored. A corrected article is kept as it is by later imports."
                ),
            },
        ),
        (_("As imported"), {"fields": ("imported_version", "imported_at")}),
        (_("Status"), {"fields": ("is_corrected", "continued_on_pages", "updated_at")}),
    )
    history_diff_fields = ("kicker", "title", "subtitle", "byline", "body", "page", "position")
    history_select_related = ("page__edition",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page__edition__paper", "page__section")

    def paper_of_version(self, version):
        pages = Page.objects.filter(pk=version.page_id)
        return pages.values_list("edition__paper", flat=True).first()

    def get_readonly_fields(self, request, obj=None):
        computed = ("imported_version", "imported_at", "is_corrected", "continued_on_pages")
        if obj is None:
            return (*computed, "updated_at")
        # Page and position identify the article to re-imports: shown, not edited.
        return ("page", "position", *computed, "updated_at")

    def get_fieldsets(self, request, obj=None):
        if obj is None or self.reverting_to(request) is not None:
            # A new article has no import yet; a revert restores the text alone (the
            # imported text and status are the live row's).
            return self.fieldsets[:2]
        return self.fieldsets

    @admin.display(description=_("edition"), ordering="page__edition__date")
    def edition_date(self, article):
        return article.page.edition

    @admin.display(description=_("page"), ordering="page__number")
    def page_display(self, article):
        page = article.page
        return f"{page.label} {page.name}".strip()

    @admin.display(description=_("has text"), boolean=True)
    def has_text(self, article):
        return article.has_body

    @admin.display(description=_("continued on"))
    def continued_on_pages(self, article):
        labels = [page.label for page in article.continued_on.order_by("number")]
        return ", ".join(labels) or "—"

    @admin.display(description=_("imported text"))
    def imported_version(self, article):
        imported = article.imported or {}
        return render_to_string(
            "admin/editions/article/imported_text.html",
            {
                "imported": [
                    (Article._meta.get_field(name).verbose_name, imported.get(name, ""))
                    for name in ARTICLE_TEXT_FIELDS
                ],
                "was_imported": bool(imported),
                "changes": field_changes(Article, imported, article, ARTICLE_TEXT_FIELDS)
                if imported
                else [],
            },
        )

    @admin.action(
        permissions=["change"], description=_("Restore the imported text of the selected articles")
    )
    def restore_imported_text(self, request, queryset):
        restored = 0
        for article in queryset.select_related("page__edition"):
            if not article.imported or not article.differs_from_import():
                continue
            for name in ARTICLE_TEXT_FIELDS:
                setattr(article, name, article.imported.get(name, ""))
            article._change_reason = gettext("Restored the imported text")
            article._history_user = request.user
            article.save()
            self.log_change(request, article, gettext("Restored the imported text."))
            restored += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d article restored to its imported text.",
                "%(count)d articles restored to their imported text.",
                restored,
            )
            % {"count": restored},
            messages.SUCCESS,
        )


# --- sections --------------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(PaperScopedAdmin, VersionedAdmin):
    form = SectionAdminForm
    list_display = ("name", "paper", "slug", "page_count")
    ordering = ("paper", "name")  # the page count's GROUP BY drops Meta.ordering
    list_filter = (("paper", ScopedRelatedFilter),)
    list_select_related = ("paper",)
    search_fields = ("name", "slug")
    fields = ("paper", "name", "slug", "correction_note")
    history_diff_fields = ("name", "slug")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("paper")
            .annotate(page_total=Count("pages"))
        )

    @admin.display(description=_("pages"), ordering="page_total")
    def page_count(self, section):
        return section.page_total

    def get_readonly_fields(self, request, obj=None):
        return ("paper",) if obj else ()

    def paper_of_version(self, version):
        return version.paper_id


# --- imports ---------------------------------------------------------------------------


@admin.register(ImportRun)
class ImportRunAdmin(RawPageUploadMixin, PaperScopedAdmin):
    """The record of every import, from the command or the upload page; read-only."""

    list_display = (
        "started_at",
        "source",
        "status",
        "paper",
        "user",
        "dry_run",
        "files",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "failed",
    )
    list_filter = ("status", "source", ("paper", ScopedRelatedFilter), "dry_run")
    list_select_related = ("user", "paper")
    date_hierarchy = "started_at"
    fields = (
        ("source", "status", "paper", "user"),
        "note",
        ("started_at", "finished_at"),
        "paths",
        "options",
        "dry_run",
        ("files", "created", "updated", "unchanged", "skipped", "failed"),
        "failure_list",
    )
    # Without change permission every field shows read-only; the method needs naming.
    readonly_fields = ("failure_list",)

    # Records are written by imports only, and kept.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        jobs.settle_stale_runs()  # a run whose process died shows as failed, not running
        extra_context = {"can_upload": self.has_upload_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("failures"))
    def failure_list(self, run):
        return render_to_string(
            "admin/editions/importrun/failures.html", {"failures": run.failures}
        )
