"""Media files (page images, PDFs and their derivatives) served by Django, for development.

In production a web server or the S3 bucket's CDN serves ``MEDIA_URL``; this view is
for ``runserver``, the tests' live server and the Lighthouse benchmark, and answers the
way those should: every stored name holds its content's hash (the importer's
``01-3fa2….jpg``, render_pages' ``…-w960.webp``), so a file may be cached for a year
and never revalidated. Wire it only where nothing else serves media::

    path("media/<path:name>", serving.media)
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

#: A year: the longest lifetime caches honour, for names that never change content.
FAR_FUTURE = 365 * 24 * 3600
mimetypes.add_type("image/avif", ".avif")
mimetypes.add_type("image/webp", ".webp")


@require_safe
def media(request, name: str):
    name = posixpath.normpath(name).lstrip("/")
    if name.startswith("..") or not default_storage.exists(name):
        raise Http404("No such file.")
    response = FileResponse(default_storage.open(name, "rb"))
    response["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
    patch_cache_control(response, public=True, max_age=FAR_FUTURE, immutable=True)
    return response
