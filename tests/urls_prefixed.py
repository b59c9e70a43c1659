"""The product's URLs under /reader/: for tests/test_web_speed_links.py."""

from django.urls import include, path

urlpatterns = [path("reader/", include("newsroom.urls"))]
