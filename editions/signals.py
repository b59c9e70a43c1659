"""Keep readers' caches honest when rows disappear.

Saves already mark their edition changed (``save()`` calls ``touch()``); a
delete, from the admin or a queryset, goes through Django's collector, which
sends ``pre_delete`` and ``post_delete`` for each row: the hooks every path shares.
"""

from django.db import connections
from django.db.models.signals import post_delete, post_migrate, pre_delete
from django.dispatch import receiver

from . import changes
from .models import Article, Edition, Page, Section


@receiver(post_delete, sender=Page, dispatch_uid="editions-page-deleted")
@receiver(post_delete, sender=Article, dispatch_uid="editions-article-deleted")
def edition_changed_on_delete(sender, instance, **kwargs):
    edition_id = instance.edition_id if sender is Page else instance.page.edition_id
    Edition.objects.filter(pk=edition_id).touch()


@receiver(pre_delete, sender=Section, dispatch_uid="editions-section-deleted")
def editions_changed_on_section_delete(sender, instance, **kwargs):
    """Its pages lose their section (``SET_NULL``, an UPDATE no page's save sees): the
    editions they belong to changed. Before the delete, while the pages still say so."""
    Edition.objects.filter(pages__section=instance).touch()


@receiver(post_migrate, dispatch_uid="editions-change-counter")
def change_counter_migrated(sender, app_config=None, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration remakes it: the counter's go back.
    Only once the counter's own migration has run (not when it is being undone)."""
    if app_config is None or app_config.label != "editions":
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if changes.TABLE in tables:
        changes.install(connection)
