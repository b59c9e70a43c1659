"""Versions, readable diffs, reverts and correction notes, on django-simple-history.

django-simple-history records every save of an article, page or section (who,
when, the full row). This module turns those records into what an editor
needs: each version with the changes it made shown as a character-level diff,
a revert page that says what the revert will change, and a short correction
note stored as the version's change reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import display_for_value, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from ..services import IMPORT_REASON
from . import diff

#: The history table's change-reason column is this long.
REASON_MAX_LENGTH = 100
_REVERT_ATTR = "_editions_revert_version"


@dataclass
class FieldChange:
    """One field that differs between two versions, ready for the diff template.

    ``old`` and ``new`` are HTML (escaped, with ``<del>``/``<ins>`` marks); a
    body has ``hunks`` instead: its changed paragraphs and counts of unchanged ones.
    """

    label: str
    kind: str  # "text": a line; "body": paragraphs; "value": anything else
    old: str = ""
    new: str = ""
    hunks: list[dict] = field(default_factory=list)


_PIECE_FORMATS = {diff.SAME: "{}", diff.REMOVED: "<del>{}</del>", diff.ADDED: "<ins>{}</ins>"}


def pieces_html(pieces: Iterable[diff.Piece]) -> str:
    """Escaped text with the removed and added runs marked up."""
    return mark_safe("".join(format_html(_PIECE_FORMATS[p.kind], p.text) for p in pieces))


def _hunk_context(hunk: diff.ChangedParagraph | diff.Unchanged) -> dict:
    if isinstance(hunk, diff.Unchanged):
        return {"unchanged": hunk.count}
    return {
        "number": hunk.number,
        "added": hunk.old_number is None,
        "removed": hunk.new_number is None,
        "old": pieces_html(hunk.old),
        "new": pieces_html(hunk.new),
    }


def _value(source: Any, name: str, model_field: models.Field) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, "")
    if model_field.is_relation:
        return getattr(source, model_field.attname)
    return getattr(source, name)


def _related_display(source: Any, model_field: models.Field) -> str:
    if getattr(source, model_field.attname) is None:
        return "—"
    try:
        return str(getattr(source, model_field.name))
    except ObjectDoesNotExist:
        return _("%(id)s (deleted)") % {"id": getattr(source, model_field.attname)}


def field_changes(
    model: type[models.Model], before: Any, after: Any, fields: Iterable[str]
) -> list[FieldChange]:
    """What changed from ``before`` to ``after`` (instances, historical records or dicts)."""
    changes = []
    for name in fields:
        model_field = model._meta.get_field(name)
        old, new = _value(before, name, model_field), _value(after, name, model_field)
        if old == new:
            continue
        label = capfirst(model_field.verbose_name)
        if model_field.is_relation:
            changes.append(
                FieldChange(
                    label,
                    "value",
                    conditional_escape(_related_display(before, model_field)),
                    conditional_escape(_related_display(after, model_field)),
                )
            )
        elif isinstance(model_field, models.TextField):
            hunks = [_hunk_context(hunk) for hunk in diff.body_diff(old, new)]
            changes.append(FieldChange(label, "body", hunks=hunks))
        elif isinstance(model_field, models.CharField):
            old_pieces, new_pieces = diff.inline_diff(old, new)
            changes.append(
                FieldChange(label, "text", pieces_html(old_pieces), pieces_html(new_pieces))
            )
        else:
            changes.append(
                FieldChange(
                    label,
                    "value",
                    conditional_escape(display_for_value(old, "—")),
                    conditional_escape(display_for_value(new, "—")),
                )
            )
    return changes


def version_label(record) -> str:
    """A version as editors name it: when it was saved."""
    return formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")


class VersionedAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose objects have a readable history, reverts and correction notes.

    ``history_diff_fields`` lists the fields shown in diffs, in reading order;
    ``history_select_related`` the relations their display needs, so a long
    history costs a fixed number of queries.
    """

    history_diff_fields: tuple[str, ...] = ()
    history_select_related: tuple[str, ...] = ()
    history_list_per_page = 50
    object_history_template = "admin/editions/object_history.html"
    object_history_list_template = "admin/editions/object_history_list.html"
    object_history_form_template = "admin/editions/object_history_form.html"

    # The version list ----------------------------------------------------

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related(*self.history_select_related)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Newest first: each version is compared with the one saved before it.
        records = list(historical_records)
        for record in records:
            record.field_changes = None  # the oldest on the page has nothing to compare with
            record.note = self.note_display(record.history_change_reason)
        for newer, older in pairwise(records):
            newer.field_changes = field_changes(self.model, older, newer, self.history_diff_fields)

    @staticmethod
    def note_display(reason: str | None) -> str:
        if reason == IMPORT_REASON:
            return _("Imported")
        return reason or ""

    # Reverting ------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted revert without asking for the
        # change permission (it only hides the button): ask here.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        history_model = self.model.history.model
        version = get_object_or_404(
            history_model.objects.select_related(*self.history_select_related),
            **{self.model._meta.pk.attname: object_id, "history_id": version_id},
        )
        current = self.get_object(request, object_id)
        setattr(request, _REVERT_ATTR, version)
        context = {
            "version": version,
            "version_label": version_label(version),
            "revert_changes": (
                field_changes(self.model, current, version, self.history_diff_fields)
                if current is not None
                else None
            ),
            **(extra_context or {}),
        }
        return super().history_form_view(request, object_id, version_id, context)

    @staticmethod
    def reverting_to(request):
        """The version being restored by this request, if it is a revert."""
        return getattr(request, _REVERT_ATTR, None)

    def change_reason(self, request, form) -> str | None:
        note = (form.cleaned_data.get("correction_note") or "").strip()
        version = self.reverting_to(request)
        if version is not None:
            reverted = _("Reverted to the version of %(date)s") % {"date": version_label(version)}
            note = f"{reverted}: {note}" if note else reverted
        return Truncator(note).chars(REASON_MAX_LENGTH) or None

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.change_reason(request, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = self.change_reason(request, form)
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def response_change(self, request, obj):
        version = self.reverting_to(request)
        if version is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _("“%(object)s” was reverted to the version of %(date)s. The revert is in the history.")
            % {"object": obj, "date": version_label(version)},
            messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
                args=[obj.pk],
            )
        )
