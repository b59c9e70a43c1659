"""Editors work on their own papers: the admin's lists, forms and history are scoped.

A newspaper group's installation holds several titles; a staff member of one
(北方新报) must not read or correct another's (内蒙古日报) unpublished pages. The
papers a user works on are ``Paper.objects.editable_by(user)``: every paper for
a superuser, else the papers that name the user among their editors. Each
ModelAdmin below the paper says how its rows reach their paper
(``paper_lookup``), and this mixin applies it to the change list, the change
and delete views (through ``get_queryset``), the choices of related fields, the
autocomplete answers (Django's autocomplete asks the related admin's
``get_queryset``), and the history and revert views.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from ..models import Article, Edition, Page, Paper, Section

#: How a related field's rows reach their paper, for limiting a form's choices.
RELATED_PAPER_LOOKUPS = {
    Paper: "pk",
    Edition: "paper",
    Section: "paper",
    Page: "edition__paper",
    Article: "page__edition__paper",
}


def user_papers(request):
    """The papers the request's user works on (cached on the request)."""
    if not hasattr(request, "_editable_papers"):
        request._editable_papers = Paper.objects.editable_by(request.user)
    return request._editable_papers


def limit_to_papers(queryset, lookup: str, request):
    if request.user.is_superuser:
        return queryset
    return queryset.filter(**{f"{lookup}__in": user_papers(request)})


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by paper or section offering only those of the user's papers.

    Unlike ``RelatedOnlyFieldListFilter`` it never scans the (large) filtered table:
    the choices come from the small related one.
    """

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        rows = limit_to_papers(model._default_manager.all(), RELATED_PAPER_LOOKUPS[model], request)
        if model is Section:
            rows = rows.select_related("paper")
        return [(row.pk, self.label_of(row, request)) for row in rows]

    @staticmethod
    def label_of(row, request) -> str:
        if isinstance(row, Section) and not request.user.is_superuser:
            return row.name
        return f"{row.name} · {row.paper.name}" if isinstance(row, Section) else str(row)


class PaperScopedAdmin(admin.ModelAdmin):
    #: The lookup from this admin's model to its Paper.
    paper_lookup = "paper"

    def get_queryset(self, request):
        return limit_to_papers(super().get_queryset(request), self.paper_lookup, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        lookup = RELATED_PAPER_LOOKUPS.get(db_field.related_model)
        if field is not None and lookup is not None and hasattr(field, "queryset"):
            field.queryset = limit_to_papers(field.queryset, lookup, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        lookup = RELATED_PAPER_LOOKUPS.get(db_field.related_model)
        if field is not None and lookup is not None and hasattr(field, "queryset"):
            field.queryset = limit_to_papers(field.queryset, lookup, request)
        return field

    # History and revert ------------------------------------------------------
    # django-simple-history shows the history of a row missing from get_queryset
    # (it falls back to the last version, for deleted rows): check it is one of
    # the user's, and a deleted row is brought back only by who may add rows.

    def check_history_access(self, request, object_id) -> None:
        if self.get_queryset(request).filter(pk=object_id).exists():
            return
        if self.model._default_manager.filter(pk=object_id).exists():
            raise Http404(_("There is no such item among your papers."))
        # Deleted: its last version says where it was.
        history = getattr(self.model, "history", None)
        # A version's own pk is history_id: look it up by the row's primary key.
        row = {self.model._meta.pk.attname: object_id}
        last = history.filter(**row).order_by("-history_date").first() if history else None
        if last is None:
            raise Http404
        if not request.user.is_superuser:
            paper_id = self.paper_of_version(last)
            if paper_id is None or not user_papers(request).filter(pk=paper_id).exists():
                raise Http404(_("There is no such item among your papers."))
        if request.method == "POST" and not self.has_add_permission(request):
            # Reverting a deleted row creates it again: in a newsroom that can undo a
            # legal takedown, so it takes the right to add, not only to change.
            raise PermissionDenied

    def paper_of_version(self, version) -> int | None:
        """The paper a historical version belonged to, when that can still be told."""
        return None

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_access(request, _pk(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_history_access(request, _pk(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)


def _pk(object_id: str) -> int:
    """A primary key from the URL; anything else is a 404, not a 500."""
    from django.contrib.admin.utils import unquote

    value = unquote(object_id)
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)
