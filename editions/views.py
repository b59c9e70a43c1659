"""Readers' views (placeholder until the reader's issue lands)."""

from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, View

from .models import Article, Edition, Page


class LatestEditionView(ListView):
    queryset = Edition.objects.published()
    template_name = "editions/edition_list.html"


class EditionView(View):
    def get(self, request, date):
        edition = get_object_or_404(Edition.objects.published(), date=date)
        return redirect(edition.pages.first() or "editions:latest")


class PageDetailView(DetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Page.objects.select_related("edition"),
            edition__is_published=True,
            edition__date=self.kwargs["date"],
            number=self.kwargs["number"],
        )


class ArticleDetailView(DetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Article.objects.published().select_related("page__edition"),
            page__edition__date=self.kwargs["date"],
            page__number=self.kwargs["number"],
            position=self.kwargs["position"],
        )
