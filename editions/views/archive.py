"""往期阅读: a paper's editions month by month, and a jump to any date."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Max, Min, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from .. import caching, links, seo
from ..models import Edition, Paper

WEEKDAY_COLUMNS = [
    (pgettext_lazy("calendar column", "Mo"), pgettext_lazy("weekday", "Monday")),
    (pgettext_lazy("calendar column", "Tu"), pgettext_lazy("weekday", "Tuesday")),
    (pgettext_lazy("calendar column", "We"), pgettext_lazy("weekday", "Wednesday")),
    (pgettext_lazy("calendar column", "Th"), pgettext_lazy("weekday", "Thursday")),
    (pgettext_lazy("calendar column", "Fr"), pgettext_lazy("weekday", "Friday")),
    (pgettext_lazy("calendar column", "Sa"), pgettext_lazy("weekday", "Saturday")),
    (pgettext_lazy("calendar column", "Su"), pgettext_lazy("weekday", "Sunday")),
]
#: The archive covers printed newspapers; outside these years a month is a 404.
ARCHIVE_YEARS = range(1900, 3000)


@dataclass(frozen=True)
class CalendarDay:
    paper: Paper
    date: datetime.date
    in_month: bool
    has_edition: bool
    is_today: bool = False

    @property
    def url(self) -> str:
        return links.day_url(self.paper, self.date)

    @property
    def label(self) -> str:
        if self.is_today:
            return _("%(date)s (today)") % {"date": seo.long_date(self.date)}
        return seo.long_date(self.date)


def month_after(first_day: datetime.date) -> datetime.date:
    return (first_day + datetime.timedelta(days=31)).replace(day=1)


class ArchiveView(TemplateView):
    """往期阅读: a month's calendar of editions, with a jump to any date."""

    template_name = "editions/archive.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, paper: str, year=None, month=None):
        self.paper = (
            Paper.objects.listed()
            .filter(code=paper)
            .annotate(paper_count=Paper.objects.listed().count_subquery())
            .first()
        )
        if self.paper is None:
            raise Http404(_("There is no such paper."))
        published = Edition.objects.published().filter(paper=self.paper)
        self.notice = ""
        asked = request.GET.get("date", "").strip()
        edge = request.GET.get("edge")
        if edge == "previous":
            self.notice = _("There is no earlier edition.")
        elif edge == "next":
            self.notice = _("There is no later edition yet.")
        if asked:
            try:
                day = datetime.date.fromisoformat(asked)
            except ValueError:
                self.notice = _("“%(value)s” is not a date; use the form 2024-08-02.") % {
                    "value": asked[:20]
                }
            else:
                edition = published.filter(date=day).order_by("code").first()
                if edition is not None:
                    edition.paper = self.paper
                    return redirect(edition)
                self.notice = _("There is no edition of %(date)s.") % {"date": seo.long_date(day)}
                if day.year in ARCHIVE_YEARS:  # otherwise the notice shows on the latest month
                    year, month = day.year, day.month
        if year is None:
            latest = published.order_by("-date").values_list("date", flat=True).first()
            shown = latest or timezone.localdate()
            year, month = shown.year, shown.month
        if year not in ARCHIVE_YEARS or not 1 <= month <= 12:
            raise Http404(_("The archive has no such month."))
        self.first_day = datetime.date(year, month, 1)
        following = month_after(self.first_day)
        self.edition_dates = dict(
            published.filter(date__gte=self.first_day, date__lt=following)
            .order_by("date", "-code")
            .values_list("date", "updated_at")
        )
        self.bounds = published.aggregate(
            earliest=Min("date"),
            latest=Max("date"),
            before=Max("date", filter=Q(date__lt=self.first_day)),
            after=Min("date", filter=Q(date__gte=following)),
        )
        # Today is marked on the calendar, so the page changes at midnight too.
        self.today = timezone.localdate()
        etag = caching.make_etag(
            request,
            self.today,
            self.paper.code,
            self.paper.name,
            self.paper.paper_count,
            self.first_day,
            sorted(self.edition_dates.items()),
            self.bounds,
            self.notice,
        )
        answer = caching.not_modified(request, etag, None)
        if answer is not None:
            return answer
        response = super().get(request)
        caching.set_validators(response, etag, None)
        return response

    def weeks(self) -> list[list[CalendarDay]]:
        # Django's FIRST_DAY_OF_WEEK counts from Sunday (0), Python's calendar from Monday (0).
        first_weekday = (get_format("FIRST_DAY_OF_WEEK") - 1) % 7
        month = calendar.Calendar(first_weekday).monthdatescalendar(
            self.first_day.year, self.first_day.month
        )
        return [
            [
                CalendarDay(
                    self.paper,
                    day,
                    in_month=day.month == self.first_day.month,
                    has_edition=day.month == self.first_day.month and day in self.edition_dates,
                    is_today=day == self.today,
                )
                for day in week
            ]
            for week in month
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        weeks = self.weeks()
        columns = [WEEKDAY_COLUMNS[day.date.weekday()] for day in weeks[0]]
        context.update(
            paper=self.paper,
            several_papers=self.paper.paper_count > 1,
            month=self.first_day,
            weeks=weeks,
            columns=columns,
            notice=self.notice,
            previous_month=self.bounds["before"],
            next_month=self.bounds["after"],
            earliest=self.bounds["earliest"],
            latest=self.bounds["latest"],
            edition_count=len(self.edition_dates),
            meta=seo.PageMeta.build(
                self.request,
                title=_("Past editions") + " · " + self.paper.name,
                description=_("Every published edition, month by month."),
                path=links.paper_url(
                    self.paper,
                    "archive-month",
                    year=self.first_day.year,
                    month=self.first_day.month,
                ),
            ),
        )
        return context
