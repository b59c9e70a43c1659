"""The reader's pure helpers, on unsaved rows: no database."""

import datetime

from editions import reading
from editions.models import Article, Edition, Page, Paper
from editions.templatetags.reader import ld_json
from tests.paths import article_path

EDITION = Edition(paper=Paper(code="ljrb", name="临江日报"), date=datetime.date(2024, 8, 2))


def page(number, label=None):
    return Page(pk=number, edition=EDITION, number=number, label=label or f"{number:02d}")


def article(number, position, body=""):
    return Article(pk=number * 100 + position, page=page(number), position=position, body=body)


def test_short_label_drops_leading_zeros_of_numbers_only():
    assert reading.short_label(page(4)) == "4"
    assert reading.short_label(page(1, "A01")) == "A01"
    assert reading.short_label(page(1, "00")) == "00"


def test_story_segments_cut_where_the_printed_page_changes():
    pages = {n: page(n) for n in (2, 4, 6)}
    story = article(
        2, 1, "甲。\n\n--- 第4版 ---\n\n乙。\n\n## 小题\n\n丙。\n\n--- 第6版 ---\n\n丁。"
    )
    segments = reading.story_segments(story, pages)
    assert [s.page_number for s in segments] == [2, 4, 6]
    assert [len(s.blocks) for s in segments] == [1, 3, 1]
    assert segments[1].previous is segments[0]
    assert segments[1].following is segments[2]
    assert segments[1].anchor == "page-4"
    assert [p.number for p in reading.printed_pages(segments, pages[2])] == [2, 4, 6]


def test_a_jump_to_a_missing_page_keeps_the_text_without_a_page():
    segments = reading.story_segments(article(2, 1, "甲。\n\n--- 第9版 ---\n\n乙。"), {})
    assert segments[1].page is None
    assert segments[1].label == "9"


def test_reading_neighbours_are_the_nearest_in_edition_order():
    here = article(2, 2)
    candidates = [article(1, 3), article(1, 1), article(2, 1), here, article(2, 3), article(5, 1)]
    before, after = reading.reading_neighbours(here, candidates)
    assert (before.page.number, before.position) == (2, 1)
    assert (after.page.number, after.position) == (2, 3)
    assert reading.reading_neighbours(article(9, 9), candidates)[1] is None


def test_page_headlines_list_the_pages_own_articles_then_continuations():
    here = page(4)
    own = [Article(pk=2, page=here, position=2), Article(pk=1, page=here, position=1)]
    carried = Article(pk=3, page=page(2), position=1)
    headlines = reading.page_headlines(here, [carried, *own])
    assert [h.article.pk for h in headlines] == [1, 2, 3]
    assert headlines[2].resumes_from.number == 2
    assert headlines[2].url == article_path(2, 1, "2024-08-02") + "#page-4"


def test_attach_pages_leaves_out_articles_of_unknown_pages():
    rows = [Article(pk=1, page_id=1, position=1), Article(pk=2, page_id=99, position=1)]
    assert [a.pk for a in reading.attach_pages(rows, {1: page(1)})] == [1]


def test_excerpt_is_the_first_paragraph_shortened():
    assert reading.excerpt(article(1, 1, "## 小题\n\n" + "字" * 200), limit=10) == "字" * 9 + "…"
    bare = article(1, 1, "")
    bare.title = "只有标题"
    assert reading.excerpt(bare) == "只有标题"


def test_structured_data_escapes_what_could_close_its_script():
    html = ld_json({"headline": "</script><script>alert(1)</script> & <!--"})
    assert html.startswith('<script type="application/ld+json">{')
    assert html.count("</script>") == 1
    assert "\\u003C/script\\u003E" in html
    assert "\\u0026" in html
