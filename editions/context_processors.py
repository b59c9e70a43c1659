"""Template context every page needs."""

from django.conf import settings


def newspaper(request):
    return {"NEWSPAPER_NAME": settings.NEWSPAPER_NAME}
