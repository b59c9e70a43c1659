"""Draining the queue of changed articles at the moments that matter (see
:mod:`editions.search.indexing`). Senders are named lazily, so this module never
imports the models it listens to."""

from __future__ import annotations

from django.db.models.signals import post_migrate, post_save

from .indexing import (
    has_pending,
    install_triggers,
    search_index_redate,
    search_index_update,
)


def article_saved(sender, instance, using, raw=False, **kwargs):
    """An editor's correction, a revert, a restore: searchable as soon as it is saved."""
    if not raw:
        search_index_update([instance.pk], using=using)


def edition_saved(sender, instance, using, raw=False, created=False, **kwargs):
    """A re-dated edition: its articles take the keys of the new date."""
    if not raw and not created:
        search_index_redate(instance.pk, instance.date, using=using)


def import_finished(sender, instance, using, raw=False, **kwargs):
    """The importer writes in bulk (the triggers queued every article): a worker
    indexes them (:mod:`.tasks`), once, when the run is over."""
    if not raw and instance.finished_at is not None and has_pending(using=using):
        from .tasks import search_index_job

        search_index_job.enqueue(using)


def migrated(sender, app_config=None, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration remakes it: put them back."""
    if app_config is not None and app_config.label == "editions":
        install_triggers(using=using)


def connect() -> None:
    post_save.connect(article_saved, sender="editions.Article", dispatch_uid="search-article")
    post_save.connect(edition_saved, sender="editions.Edition", dispatch_uid="search-edition")
    post_save.connect(import_finished, sender="editions.ImportRun", dispatch_uid="search-import")
    post_migrate.connect(migrated, dispatch_uid="search-triggers")
