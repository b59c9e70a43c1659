"""API keys for partners: a key raises a client's rate limit; the API needs none.

Only a key's SHA-256 digest is stored, with its first characters to tell keys apart
in the admin; the key itself is shown once, when it is made. Keys are long random
tokens, so a fast digest is enough: there is no password to guess from it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every key starts with this, so one found in a log or a repository is recognisable.
KEY_PREFIX = "nrk_"
#: Characters of a key kept in clear to tell keys apart: the prefix and 6 more.
SHOWN_CHARACTERS = len(KEY_PREFIX) + 6


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def matching(self, key: str):
        """The active key that ``key`` is, if any (looked up by its digest)."""
        return self.active().filter(key_hash=digest(key)).first()


class ApiKey(models.Model):
    """A partner's key to the API, with the rate limit it grants."""

    name = models.CharField(
        _("partner"), max_length=100, help_text=_("Who uses the key: a library, an app.")
    )
    prefix = models.CharField(
        _("key starts with"),
        max_length=SHOWN_CHARACTERS,
        editable=False,
        help_text=_("The key's first characters, to recognise it; the key is not stored."),
    )
    key_hash = models.CharField(_("key digest"), max_length=64, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=1200,
        help_text=_("How many requests a minute the key allows (clients without a key: 120)."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to revoke the key at once.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="apikey_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """Give the key a new secret and return it: the only time it is seen in clear."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[:SHOWN_CHARACTERS]
        self.key_hash = digest(key)
        return key
