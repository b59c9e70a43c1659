"""The product's URLs plus /bench/bare/: a TemplateView with a trivial template, the yardstick."""

from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("bench/bare/", TemplateView.as_view(template_name="bench/bare.html")),
    path("", include("newsroom.urls")),
]
