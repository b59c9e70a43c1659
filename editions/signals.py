"""Keep readers' caches honest when rows disappear.

Saves already mark their edition changed (``save()`` calls ``touch()``); a
delete, from the admin or a queryset, goes through Django's collector, which
sends ``post_delete`` for each row: that is the one hook every path shares.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import Article, Edition, Page


@receiver(post_delete, sender=Page, dispatch_uid="editions-page-deleted")
@receiver(post_delete, sender=Article, dispatch_uid="editions-article-deleted")
def edition_changed_on_delete(sender, instance, **kwargs):
    edition_id = instance.edition_id if sender is Page else instance.page.edition_id
    Edition.objects.filter(pk=edition_id).update(updated_at=timezone.now())
