"""Template context every page needs."""

from django.conf import settings


def newspaper(request):
    """The site's name: the group's, shown where no single paper is in view."""
    return {"SITE_NAME": settings.NEWSPAPER_GROUP_NAME}
