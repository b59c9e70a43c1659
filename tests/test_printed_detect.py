"""Regions detected from a page PDF's text layer, on PDFs written here by hand.

Each test PDF is a page of Helvetica lines placed where the test says (the
standard font needs no embedding, so Latin and pinyin titles stand for the
Chinese ones); the detected rectangles must cover exactly those lines.
"""

import pytest
from django.core.management import call_command

from editions.models import Page, Region
from editions.printed import regions as printed_regions
from editions.printed import render_pages_for
from editions.printed.detect import PageText, Wanted, detect, fold
from tests import pdfs
from tests.factories import build_edition
from tests.test_printed import attach_image, attach_pdf, page_pdf

pytestmark = pytest.mark.django_db

PAGE_W, PAGE_H = 600, 800
SIZE = 10  # points: each line is SIZE high, lines LEAD apart
LEAD = 14


def pdf_with_text(lines: list[tuple[float, float, str]]) -> bytes:
    """A one-page PDF whose text layer holds ``lines``: (x, y from the top, text)."""
    ops = []
    for x, top, text in lines:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT /F1 {SIZE} Tf {x} {PAGE_H - top - SIZE} Td ({escaped}) Tj ET")
    stream = "\n".join(ops).encode("latin-1")
    return pdfs.assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            pdfs.stream(stream),
        ]
    )


def column(x: float, top: float, title: str, body: list[str]):
    """A title and its text lines, one under the other, from ``top``."""
    rows = [(x, top, title)]
    rows += [(x, top + LEAD * (i + 2), line) for i, line in enumerate(body)]
    return rows


HARBOUR = (
    "Linjiang harbour bridge opens",
    ["The new bridge across the", "river carries four lanes", "and a tram line from May."],
)
RICE = (
    "Rice harvest breaks the record",
    ["Farmers in Xishan brought in", "more rice than ever before", "despite a dry early summer."],
)


@pytest.fixture
def page_with_pdf(db):
    edition = build_edition(pages=1, articles_per_page=3)
    page = edition.pages.get()
    articles = list(page.articles.order_by("position"))
    for article, (title, body) in zip(articles, (HARBOUR, RICE), strict=False):
        article.title, article.body = title, "\n\n".join([" ".join(body), "More text."])
        article.save()
    articles[2].title, articles[2].body = "Not on this page at all", "Nothing of it printed."
    articles[2].save()
    lines = column(40, 60, *HARBOUR) + column(320, 300, *RICE) + [(40, 700, "Advertisement")]
    attach_image(page)
    attach_pdf(page, pdf_with_text(lines))
    return Page.objects.get(pk=page.pk), articles


def fractions(region: Region) -> list[float]:
    return [value / printed_regions.SCALE for value in region.points]


def test_fold_compares_letters_only():
    assert fold("Ｒｉｃｅ  harvest, breaks!") == "riceharvestbreaks"
    assert fold("临江 大桥：通车") == "临江大桥通车"


def test_an_articles_title_and_text_give_its_region(page_with_pdf):
    page, (harbour, rice, _absent) = page_with_pdf
    render_pages_for([page])
    regions = {r.article_id: r for r in Region.objects.filter(page=page)}
    assert set(regions) == {harbour.pk, rice.pk}
    left, top, right, bottom = fractions(regions[harbour.pk])
    assert left == pytest.approx(40 / PAGE_W, abs=0.01)
    assert top == pytest.approx(60 / PAGE_H, abs=0.01)
    assert bottom == pytest.approx((60 + LEAD * 4 + SIZE) / PAGE_H, abs=0.012)
    assert right < 320 / PAGE_W  # the left column only
    left, top, right, bottom = fractions(regions[rice.pk])
    assert left == pytest.approx(320 / PAGE_W, abs=0.01)
    assert top == pytest.approx(300 / PAGE_H, abs=0.01)
    assert bottom < 700 / PAGE_H  # not down to the advertisement
    note = Page.objects.get(pk=page.pk).printed["regions"]
    assert note["from"] == "detected"
    assert (note["found"], note["articles"]) == (2, 3)


def test_the_detected_regions_link_the_page_view_to_the_articles(client, page_with_pdf):
    page, (harbour, *_) = page_with_pdf
    render_pages_for([page])
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'href="{harbour.get_absolute_url()}"' in html.split('class="hotspots"')[1]


def test_detection_is_done_once_and_again_when_the_articles_change(page_with_pdf):
    page, (harbour, *_) = page_with_pdf
    render_pages_for([page])
    first = list(Region.objects.filter(page=page).values_list("pk", flat=True))
    call_command("render_pages", verbosity=0)
    assert list(Region.objects.filter(page=page).values_list("pk", flat=True)) == first
    harbour.title, harbour.body = "Something else entirely", "A text printed nowhere."
    harbour.save()
    call_command("render_pages", verbosity=0)
    regions = Region.objects.filter(page=page)
    assert harbour.pk not in {r.article_id for r in regions}
    assert regions.count() == 1


def test_regions_from_the_source_are_never_replaced(page_with_pdf):
    page, (harbour, *_) = page_with_pdf
    Region.objects.create(
        page=page, article=harbour, shape="rect", points=[1, 2, 3, 4], width=10, height=10, order=1
    )
    render_pages_for([page])
    assert list(Region.objects.filter(page=page).values_list("points", flat=True)) == [[1, 2, 3, 4]]
    assert Page.objects.get(pk=page.pk).printed["regions"]["from"] == "source"


def test_a_pdf_without_a_text_layer_leaves_the_page_without_regions(page_with_pdf):
    page, _ = page_with_pdf
    attach_pdf(page, page_pdf())
    render_pages_for([Page.objects.get(pk=page.pk)])
    assert not Region.objects.filter(page=page).exists()
    assert Page.objects.get(pk=page.pk).printed["regions"]["from"] == "none"


def test_a_continuation_is_found_by_its_text_alone():
    body = ["the second half of the story", "goes on here until it ends."]
    text = PageText.from_pdf(pdf_with_text([(50, 100, line) for line in body]))
    found = detect(text, [Wanted("story", "", " ".join(body)), Wanted("short", "", "the")])
    assert set(found) == {"story"}
    assert found["story"].top == pytest.approx(100 / PAGE_H, abs=0.01)


def test_the_region_crop_is_made_for_the_link_preview(page_with_pdf):
    page, (harbour, rice, _) = page_with_pdf
    render_pages_for([page])
    page = Page.objects.get(pk=page.pk)
    assert printed_regions.crop_url(page, harbour.pk).endswith(".jpg")
    assert printed_regions.crop_url(page, rice.pk) != printed_regions.crop_url(page, harbour.pk)
