"""Project URLs: the admin for editors, everything else for readers.

The language switch (Django's ``set_language``) is exempt from CSRF checks.
It is the one form on readers' pages, and a token in it would make every
published page per visitor: a cookie set on each first visit, a token to fill
into every cached copy, no copy a CDN could share. What a forged request could
do is switch a reader's language, which a plain link to another language's page
could do as well and which the reader undoes in one click; ``next`` is still
checked to stay on this site.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from editions.api import admin as _api_admin  # noqa: F401  (API keys in the admin, before its URLs)
from editions.health import healthz
from editions.printed import serving

urlpatterns = [
    # First, as most requests are readers': no reader's address is any of the others'
    # (a paper's code is never a reserved word), so the order only saves trying them.
    path("", include("editions.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("", include("editions.machine_urls")),  # /api/, /feeds/, sitemaps, robots.txt
]

# Media on this machine's disk (no bucket): nothing else serves it under runserver or a
# lone gunicorn, so Django does, with far-future headers (every stored name is hashed).
if settings.STORAGES["default"]["BACKEND"].endswith(".FileSystemStorage"):
    urlpatterns.insert(-1, path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", serving.media))
