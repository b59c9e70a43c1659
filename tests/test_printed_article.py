"""The article view's printed side: its photos with captions, where it sits on its page
(a small page image with its region marked, 返回本版), and its link-preview image."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from editions.models import Page, Photo
from editions.printed import render_pages_for
from tests.factories import build_edition
from tests.paths import article_path
from tests.test_printed import add_regions, attach_image, attach_pdf

pytestmark = pytest.mark.django_db


def jpeg(colour=(90, 120, 150), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def add_photo(article, order: int, caption: str, image=True) -> Photo:
    photo = Photo(article=article, order=order, caption=caption, src=f"p{order}.jpg")
    if image:
        photo.image.save(f"p{article.pk}-{order}.jpg", ContentFile(jpeg()), save=False)
    photo.save()
    return photo


def soup(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def printed(db):
    edition = build_edition(pages=2, articles_per_page=3)
    for page in edition.pages.order_by("number"):
        attach_image(page)
        attach_pdf(page)
        add_regions(page)
    render_pages_for(list(Page.objects.filter(edition=edition)))
    return edition


def test_photos_show_in_order_with_their_captions_after_the_first_paragraph(client, edition):
    article = edition.pages.get(number=2).articles.get(position=2)
    add_photo(article, 2, "第二张：江边的夜景。")
    add_photo(article, 1, "第一张：新桥通车。")
    add_photo(article, 3, "只有链接、没有文件的图片", image=False)
    page = soup(client, article_path(2, 2))
    figures = page.select(".article-body .article-photo")
    assert [f.figcaption.get_text() for f in figures] == [
        "第一张：新桥通车。",
        "第二张：江边的夜景。",
    ]
    assert all(f.img["src"].startswith("/media/photos/") for f in figures)
    first_paragraph = page.select_one(".article-body p")
    assert first_paragraph.find_next_sibling()["class"] == ["article-photos"]


def test_an_article_without_photos_shows_none(client, edition):
    page = soup(client, article_path(2, 2))
    assert not page.select(".article-photo")
    assert not page.select('meta[property="og:image"]')


def test_the_first_photo_is_the_link_preview_without_a_page_image(client, edition):
    article = edition.pages.get(number=2).articles.get(position=2)
    photo = add_photo(article, 1, "新桥通车。")
    og = soup(client, article_path(2, 2)).select_one('meta[property="og:image"]')
    assert og["content"] == f"http://testserver{photo.image.url}"


def test_the_articles_position_marks_its_region_and_links_back_to_the_page(client, printed):
    page = printed.pages.get(number=2)
    html = soup(client, article_path(2, 3))
    figure = html.select_one(".article-position .position-page")
    assert figure.a["href"] == page.get_absolute_url()
    assert figure.select_one(".position-back").get_text() == "返回本版"
    assert figure.img["src"].endswith(".webp")
    polygons = figure.select("svg.position-regions polygon")
    assert len(polygons) == 1
    # add_regions stacks the articles' rectangles: the third starts at y = 1100.
    ys = {float(point.split(",")[1]) for point in polygons[0]["points"].split()}
    assert ys == {1100.0, 1480.0}


def test_the_link_preview_is_the_articles_region_cut_out_of_the_page(client, printed):
    article = printed.pages.get(number=1).articles.get(position=2)
    add_photo(article, 1, "新桥通车。")
    og = soup(client, article_path(1, 2)).select_one('meta[property="og:image"]')["content"]
    assert og.startswith("http://testserver/media/printed/")
    assert og.endswith(".jpg")
    name = og.removeprefix("http://testserver/media/")
    with default_storage.open(name) as handle, Image.open(handle) as image:
        # the region is 1000 × 380 of the 1200 × 1800 page
        assert image.size == (1000, 380)


def test_without_a_page_image_there_is_no_position(client, edition):
    assert not soup(client, article_path(2, 2)).select(".article-position")
