"""API keys in the admin: superusers make and revoke partners' keys.

A new key's secret is shown once, in the message after saving; afterwards only its
first characters are known (see ``models``). Lost keys are revoked and replaced.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "requests_per_minute", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix", "notes"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["name", "requests_per_minute", "is_active", "notes", "prefix", "created_at"]
    actions = ["revoke"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        secret = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if secret:
            self.message_user(
                request,
                _(
                    "The key of %(name)s is %(key)s — copy it now: it is not kept and is never "
                    "shown again."
                )
                % {"name": obj.name, "key": secret},
                messages.WARNING,
            )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset) -> None:
        count = queryset.update(is_active=False)
        self.message_user(request, _("%(count)d keys revoked.") % {"count": count})
