"""Search on the article queryset: ``Article.objects.published().search(q)``.

``search(q)`` returns a queryset of exactly the matching articles, usable like any
other (filter it, count it, iterate it). Its two fast readers are
:meth:`SearchQuerySetMixin.search_page` (one page of ranked results, then the
page's articles by id) and :meth:`SearchQuerySetMixin.search_facets` (counts per
year and section). Both let the index drive (:mod:`.scan`): it is read in number
order and stopped after one page, and every other filter of the queryset
(published editions, paper, section, page, whatever a caller adds) is checked per
candidate by a correlated subquery built from the queryset itself (it also gives the
article's section, for the facets), so no filter is written twice and
``published()`` stays the one definition of what readers may see. Where every filter
is about the article's page (the search page's all are), the queryset keeps them as
filters of pages too, and the subquery is of the candidate's page, each page checked
once (:meth:`SearchQuerySetMixin._page_check`). The two share one
reading of the index: its segments, postings and every candidate's check.

Ranking is by tiers, best first: every word in the kicker, title or subtitle (2);
the words standing together as typed (1); the rest (0). Within a tier newer editions come
first: a gentle preference, since it never lifts a weaker match over a better one.
The rank is one integer (tier in the top bits, the index key below), taken from the
tier's own scan, so a page's last rank is the cursor of the next page (keyset
pagination, as fast deep down as on the first page).
"""

from __future__ import annotations

import copy
import datetime
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import BooleanField, Expression, F, Model, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from . import backends, needs, scan
from .documents import DAY_BITS, day_key, key_day
from .names import ENTRY
from .query import Query, parse

TIER_SHIFT = 56
KEY_MASK = (1 << TIER_SHIFT) - 1
KEY_END = 1 << 62
ORDERS = ("relevance", "newest", "oldest")
#: Facets count at most this many of the newest matches (beyond it they sample).
FACET_LIMIT = 1000
#: A filter lists at most this many candidates from the postings (beyond: a scan).
FILTER_CANDIDATES = 200_000

_fast: ContextVar[bool] = ContextVar("editions_search_fast", default=False)


@contextmanager
def _index_driven():
    """While set, the match filter compiles to TRUE: the index scan applies it."""
    token = _fast.set(True)
    try:
        yield
    finally:
        _fast.reset(token)


@lru_cache(maxsize=65536)
def _year(day: int) -> int:
    """The year of an index day (a rare word's thousand matches fall on as many days)."""
    return key_day(day << DAY_BITS).year


@lru_cache(maxsize=256)
def parsed(text: str) -> Query:
    return parse(text)


class SearchMatch(Expression):
    """``pk IN (the matching article ids)``, as a filter expression (the API's search,
    counts, any queryset use): the candidates the postings give, checked on their
    runs, read when the query is compiled; past :data:`FILTER_CANDIDATES` of them,
    every indexed article's runs are checked instead (a scan: the readers' pages
    never take this path, :meth:`SearchQuerySetMixin.search_page`)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, text: str, expression=None):
        super().__init__()
        self.text = text
        self.expression = expression if expression is not None else F("pk")

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        if _fast.get():
            return "1 = 1", []
        column, column_params = compiler.compile(self.expression)
        backend = backends.for_connection(connection)
        query = parsed(self.text)
        with connection.cursor() as cursor:
            numbers = scan.every_candidate(
                cursor, backend, needs.match_need(query), FILTER_CANDIDATES
            )
        if numbers is not None:
            among, among_params = backend.among("e.docno", numbers.tolist())
            check, params = needs.match_check(backend, query)
            check, params = f"{among} AND {check}", [*among_params, *params]
        else:  # too many to list: every document's runs checked
            check, params = needs.match_check(backend, query, text=True)
        return (
            f"{column} IN (SELECT e.article_id FROM {ENTRY} e "
            f"WHERE e.article_id IS NOT NULL AND {check})",
            [*column_params, *params],
        )


@dataclass
class SearchPage:
    articles: list
    next_after: int | None = None


@dataclass
class Facets:
    total: int = 0
    more: bool = False  # more than FACET_LIMIT matches: counts are of the newest ones
    years: list[tuple[int, int]] = field(default_factory=list)
    sections: list[tuple[str, str, int]] = field(default_factory=list)


def _as_keys(value):
    """Pages given as rows, as their keys (a filter of the page's own key wants them)."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [v.pk if isinstance(v, Model) else v for v in value]
    return value


def _on_page(node: Q, page_model) -> Q | None:
    """``node``, a filter of articles, as the same filter of their pages; None if a
    part of it is not about the page alone (``title__…``, ``F(…)``, an expression, a
    path through the page's many articles, whose meaning a filter of pages changes)."""
    children = []
    for child in node.children:
        if isinstance(child, Q):
            child = _on_page(child, page_model)
            if child is None:
                return None
        elif isinstance(child, tuple):
            key, value = child
            head, _, rest = key.partition("__")
            if head not in ("page", "page_id") or hasattr(value, "resolve_expression"):
                return None
            try:
                first = page_model._meta.get_field(rest.split("__")[0]) if rest else None
            except FieldDoesNotExist:  # a lookup of the page itself: page__in=…
                first = None
            if first is None:  # the page itself (page=…, as its articles' manager filters)
                rest, value = "pk__" + rest if rest else "pk", _as_keys(value)
            elif first.one_to_many or first.many_to_many:
                return None
            child = (rest, value)
        else:
            return None
        children.append(child)
    return Q(*children, _connector=node.connector, _negated=node.negated)


class SearchQuerySetMixin:
    """Adds ``search()`` and its readers to a model queryset of articles."""

    _search_text: str | None = None
    _search_low: int = 0
    _search_high: int = KEY_END
    #: Every filter of the queryset but the match, as a filter of the articles' pages;
    #: None once one is not about the page alone (see :meth:`_page_check`).
    _search_pages: tuple[Q, ...] | None = ()

    def _clone(self):
        clone = super()._clone()
        clone._search_text = self._search_text
        clone._search_low = self._search_low
        clone._search_high = self._search_high
        clone._search_pages = self._search_pages
        return clone

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        super()._filter_or_exclude_inplace(negate, args, kwargs)
        if self._search_pages is None:
            return
        if not negate and not kwargs and all(isinstance(a, SearchMatch) for a in args):
            return  # the match: the index's to apply
        filtered = _on_page(Q(*args, **kwargs), self.model._meta.get_field("page").related_model)
        if filtered is None:
            self._search_pages = None
        else:
            self._search_pages = (*self._search_pages, ~filtered if negate else filtered)

    def complex_filter(self, filter_obj):
        clone = super().complex_filter(filter_obj)
        if isinstance(filter_obj, Q):  # added to the query directly, not through filter()
            clone._search_pages = None
        return clone

    def extra(self, *args, **kwargs):
        clone = super().extra(*args, **kwargs)
        clone._search_pages = None
        return clone

    def _combined(self, combined):
        """A queryset joined with another by ``&``, ``|`` or ``^``: the other's
        filters were never added through :meth:`filter`, so the page check is off."""
        combined._search_pages = None
        return combined

    def __and__(self, other):
        return self._combined(super().__and__(other))

    def __or__(self, other):
        return self._combined(super().__or__(other))

    def __xor__(self, other):
        return self._combined(super().__xor__(other))

    def search(self, q: str):
        """The articles matching the query ``q`` (see :mod:`editions.search.query`)."""
        query = parsed(q or "")
        clone = self.filter(SearchMatch(query.text)) if query else self.none()
        clone._search_text = query.text
        return clone

    @property
    def search_query(self) -> Query:
        return parsed(self._search_text or "")

    def search_dates(self, start: datetime.date | None = None, end: datetime.date | None = None):
        """Editions from ``start`` to ``end`` (inclusive): a filter the index scans as a range."""
        clone = self._chain()
        if start:
            clone = clone.filter(page__edition__date__gte=start)
            clone._search_low = max(clone._search_low, day_key(start))
        if end:
            clone = clone.filter(page__edition__date__lte=end)
            following = end + datetime.timedelta(days=1)
            clone._search_high = min(clone._search_high, day_key(following))
        return clone

    def _reading(self) -> tuple[scan.Reader, needs.Need, list[needs.Need]] | None:
        """The index as this search reads it, and what it looks for (every match; each
        tier's), made once and shared by its page and its facets; None when nothing
        can match.

        The reader checks candidates with a scalar subquery of every filter of the
        queryset but the match: correlated on the entry's article, it gives the
        article's section (0 for none) if the article passes them, NULL if not.
        """
        if not self.search_query or self.query.is_empty():
            return None
        reading = self.__dict__.get("_search_reading")
        if reading is None:
            with _index_driven():
                inner = (
                    self.order_by()
                    .filter(pk=RawSQL("e.article_id", ()))
                    .values(search_section=Coalesce("page__section_id", 0))[:1]
                )
                sql, params = inner.query.get_compiler(using=self.db).as_sql()
            backend = backends.for_connection(connections[self.db])
            query = self.search_query
            match, tiers = needs.match_need(query), needs.tier_needs(query)
            reader = scan.Reader(
                backend,
                self._search_low,
                self._search_high,
                needs.check(backend, query),
                (sql, list(params)),
                frozenset().union(match.tokens, *(need.tokens for need in tiers)),
                self._page_check(),
            )
            reading = (reader, match, tiers)
            self.__dict__["_search_reading"] = reading
        return reading

    def _page_check(self) -> scan.PageCheck | None:
        """Where every filter is about the article's page (all the search page's are),
        the check of a candidate's page in place of its article's (:class:`.scan.Reader`):
        a scalar subquery of those filters on the pages, correlated on ``p.page_id``,
        giving the page's section (0 for none) if it passes them and NULL if not."""
        self.query  # noqa: B018 (a filter a related manager deferred is applied now)
        if self._search_pages is None:
            return None
        page_model = self.model._meta.get_field("page").related_model
        # An entry written before entries named their page (not rewritten since): its
        # article's.
        page = (
            f"COALESCE(e.page_id, (SELECT a.page_id FROM {self.model._meta.db_table} a "
            "WHERE a.id = e.article_id))"
        )

        def correlated(on: str) -> tuple[str, list]:
            inner = (
                page_model._base_manager.db_manager(self.db)
                .filter(*self._search_pages)
                .filter(pk=RawSQL(on, ()))
                .order_by()
                .values(search_section=Coalesce("section_id", 0))[:1]
            )
            sql, params = inner.query.get_compiler(using=self.db).as_sql()
            return sql, list(params)

        return scan.PageCheck(page, correlated("p.page_id"), correlated(page))

    def search_page(self, *, order: str = "relevance", after: int | None = None, size: int = 20):
        """One page of results, best first (or newest, or oldest), after the rank ``after``."""
        reading = self._reading()
        if reading is None:
            return SearchPage([])
        reader, match, tiers = reading
        low, high = self._search_low, self._search_high
        found: list[tuple[int, int]] = []  # (rank, article id)
        with connections[self.db].cursor() as cursor:
            if order == "relevance":
                top, below = (
                    (after >> TIER_SHIFT, after & KEY_MASK) if after is not None else (9, 0)
                )
                for need in tiers:
                    if need.tier > top:
                        continue
                    rows = scan.scan(
                        cursor,
                        reader,
                        need,
                        low=low,
                        high=min(below, high) if need.tier == top else high,
                        descending=True,
                        limit=size + 1 - len(found),
                    )
                    found += [((need.tier << TIER_SHIFT) + n, article_id) for n, article_id in rows]
                    if len(found) > size:
                        break
            else:
                oldest = order == "oldest"
                if after is not None:
                    low, high = (max(low, after + 1), high) if oldest else (low, min(high, after))
                found = scan.scan(
                    cursor,
                    reader,
                    match,
                    low=low,
                    high=high,
                    descending=not oldest,
                    limit=size + 1,
                )
        if not found:
            return SearchPage([])
        ranks = {article_id: rank for rank, article_id in found}
        with _index_driven():
            loaded = {a.pk: a for a in self._by_id().filter(pk__in=list(ranks))}
        articles = []
        for rank, article_id in found:
            article = loaded.get(article_id)  # deleted between the two reads: left out
            if article is not None:
                article.search_rank = rank
                articles.append(article)
        more = len(found) > size
        articles = articles[:size]
        return SearchPage(articles, found[size - 1][0] if more else None)

    def _by_id(self):
        """The articles of this queryset's model as it loads them (related rows,
        deferred fields, prefetches) but none of its filters: the page's scans applied
        them already, and repeated here they tempt the planner to join every article
        they admit (a date range's) to the page's few ids."""
        clone = self.model._base_manager.db_manager(self.db).all()
        clone.query.select_related = copy.deepcopy(self.query.select_related)
        clone.query.deferred_loading = copy.deepcopy(self.query.deferred_loading)
        clone._prefetch_related_lookups = self._prefetch_related_lookups
        return clone

    def search_facets(self, *, limit: int = FACET_LIMIT) -> Facets:
        """How many matches per year and per section (of the newest ``limit`` at most)."""
        reading = self._reading()
        if reading is None:
            return Facets()
        from editions.models import Section

        reader, match, _ = reading
        with connections[self.db].cursor() as cursor:
            matches = scan.scan(
                cursor,
                reader,
                match,
                low=self._search_low,
                high=self._search_high,
                descending=True,
                limit=limit + 1,
            )
        rows = [(n, reader.checked[n].section) for n, _ in matches]
        section_ids = {section for _, section in rows if section}  # 0: none
        sections = (
            {
                pk: (slug, name)
                for pk, slug, name in Section.objects.using(self.db)
                .filter(pk__in=section_ids)
                .values_list("pk", "slug", "name")
            }
            if section_ids
            else {}
        )
        rows = [(n, *sections.get(section, (None, None))) for n, section in rows]
        more = len(rows) > limit
        rows = rows[:limit]
        days = Counter(key >> DAY_BITS for key, _, _ in rows)
        years = Counter()
        for day, count in days.items():
            years[_year(day)] += count
        names: dict[str, str] = {}
        sections: Counter[str] = Counter()
        for _, slug, name in rows:
            if slug:
                sections[slug] += 1
                names.setdefault(slug, name)
        return Facets(
            total=len(rows),
            more=more,
            years=sorted(years.items(), reverse=True),
            sections=[(slug, names[slug], n) for slug, n in sections.most_common()],
        )
