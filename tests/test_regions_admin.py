"""The printed page on the editors' desk: uploading a page's image and PDF, saving regions
drawn in the editor (checked on the server), their history, and the regions report."""

import io
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from editions.adminkit.regions import MAX_POINTS
from editions.models import Page, Region
from editions.printed import render_pages_for
from tests.factories import build_edition
from tests.test_printed import add_regions, attach_image, page_pdf
from tests.test_printed_detect import HARBOUR, pdf_with_text

pytestmark = pytest.mark.django_db


def change_url(page: Page) -> str:
    return reverse("admin:editions_page_change", args=[page.pk])


def form_data(client, page: Page, **changes) -> dict:
    """What the browser would post: every field of the rendered form, then ``changes``."""
    html = BeautifulSoup(client.get(change_url(page)).content.decode(), "html.parser")
    form = html.select_one("form#page_form")
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        kind = field.get("type")
        if kind in ("file", "submit") or (kind == "checkbox" and not field.has_attr("checked")):
            continue
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            data[field["name"]] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            data[field["name"]] = field.get_text()
        else:
            data[field["name"]] = field.get("value", "")
    data.update(changes)
    return data


def png(size=(300, 450), colour=(230, 225, 210)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return SimpleUploadedFile("page.png", out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _english(superuser_client):
    """The desk in English, so the messages below read as written in the code."""
    superuser_client.cookies["django_language"] = "en"


@pytest.fixture
def page(db) -> Page:
    edition = build_edition(pages=2, articles_per_page=3)
    page = edition.pages.get(number=1)
    attach_image(page)
    render_pages_for([page])
    return Page.objects.get(pk=page.pk)


def post_regions(client, page, regions, **extra):
    data = form_data(client, page, regions=json.dumps(regions), **extra)
    return client.post(change_url(page), data)


def test_the_change_form_carries_the_region_editor(superuser_client, page):
    html = BeautifulSoup(superuser_client.get(change_url(page)).content.decode(), "html.parser")
    editor = html.select_one("[data-region-editor]")
    assert editor.select_one("img")["src"] == page.image.url
    assert len(editor.select("select[data-article] option[value!='']")) == 3
    assert html.select_one('script[src$="js/region-editor.js"]')
    assert not html.select("script:not([src])")  # nothing inline: CSP


def test_regions_drawn_in_the_editor_are_saved_as_fractions(superuser_client, page):
    first, second = page.articles.order_by("position")[:2]
    regions = [
        {"shape": "rect", "points": [[0.5, 0.4], [0.1, 0.2]], "article": first.pk},
        {"shape": "polygon", "points": [[0.1, 0.5], [0.9, 0.5], [0.5, 0.9]], "article": second.pk},
    ]
    response = post_regions(superuser_client, page, regions)
    assert response.status_code == 302
    saved = list(Region.objects.filter(page=page).order_by("order"))
    assert [(r.shape, r.article_id) for r in saved] == [("rect", first.pk), ("polygon", second.pk)]
    assert saved[0].fractions == pytest.approx([0.1, 0.2, 0.5, 0.4])
    assert saved[1].fractions == pytest.approx([0.1, 0.5, 0.9, 0.5, 0.5, 0.9])
    page.refresh_from_db()
    assert page.printed["regions"]["from"] == "editor"
    assert page.printed["crops"]["articles"].keys() == {str(first.pk), str(second.pk)}


def test_the_reader_page_view_links_the_drawn_region(superuser_client, client, page):
    article = page.articles.get(position=2)
    regions = [{"shape": "rect", "points": [[0.1, 0.1], [0.6, 0.3]], "article": article.pk}]
    post_regions(superuser_client, page, regions)
    html = BeautifulSoup(client.get(page.get_absolute_url()).content.decode(), "html.parser")
    assert [a["href"] for a in html.select("svg.hotspots a")] == [article.get_absolute_url()]


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ({"shape": "rect", "points": [[0.1, 0.1], [1.2, 0.3]]}, "outside the page"),
        ({"shape": "rect", "points": [[0.1, 0.1], [0.1, 0.3]]}, "no area"),
        ({"shape": "circle", "points": [[0.1, 0.1], [0.2, 0.3]]}, "rectangle or a polygon"),
        ({"shape": "polygon", "points": [[0.1, 0.1], [0.2, 0.3]]}, "at least three corners"),
        ({"shape": "polygon", "points": [[0.1, 0.1]] * (MAX_POINTS + 1)}, "more than"),
        ({"shape": "rect", "points": [["a", 0.1], [0.2, 0.3]]}, "could not be read"),
        ({"shape": "rect", "points": [[0.1, 0.1], [0.2, 0.3]], "article": 99999}, "not printed"),
    ],
)
def test_a_bad_region_is_a_message_on_the_form(superuser_client, page, region, message):
    add_regions(page)
    before = list(Region.objects.filter(page=page).values_list("points", flat=True))
    response = post_regions(superuser_client, page, [region])
    assert response.status_code == 200
    assert "Region 1: " in response.content.decode()
    assert message in response.content.decode()
    assert list(Region.objects.filter(page=page).values_list("points", flat=True)) == before


def test_an_article_of_another_page_cannot_be_linked(superuser_client, page):
    other = page.edition.pages.get(number=2).articles.first()
    region = {"shape": "rect", "points": [[0.1, 0.1], [0.2, 0.3]], "article": other.pk}
    response = post_regions(superuser_client, page, [region])
    assert "not printed on this page" in response.content.decode()


def test_unreadable_json_is_a_message_not_an_error(superuser_client, page):
    data = form_data(superuser_client, page, regions="{not json")
    response = superuser_client.post(change_url(page), data)
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


def test_region_changes_go_into_the_history_and_the_admin_log(superuser_client, page):
    """The counts become the version's note; each region its own line in the admin log."""
    regions = add_regions(page)  # three, from the source
    moved = {
        "id": regions[0].pk,
        "shape": "rect",
        "points": [[0.2, 0.2], [0.5, 0.4]],
        "article": regions[0].article_id,
    }
    post_regions(superuser_client, page, [moved], correction_note="")
    assert Region.objects.filter(page=page).count() == 1
    version = page.history.order_by("-history_date").first()
    assert version.history_change_reason == "Regions: 1 changed, 2 deleted"
    entry = LogEntry.objects.filter(object_id=str(page.pk)).latest("action_time")
    with translation.override("en"):
        text = entry.get_change_message()
    assert "Changed points for page region “1 · " in text
    assert "Deleted page region “2 · " in text


def test_saving_the_page_without_touching_the_regions_keeps_them(superuser_client, page):
    regions = add_regions(page)
    response = superuser_client.post(change_url(page), form_data(superuser_client, page))
    assert response.status_code == 302
    assert list(Region.objects.filter(page=page).order_by("order")) == regions
    page.refresh_from_db()
    assert page.printed["regions"]["from"] != "editor"


def test_a_new_image_is_stored_measured_and_rendered(superuser_client, page):
    old_thumb = page.printed["thumb"]
    response = superuser_client.post(
        change_url(page), form_data(superuser_client, page, image_upload=png())
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.image_width, page.image_height) == (300, 450)
    assert page.image.name.endswith(".png")
    assert page.printed["thumb"] != old_thumb
    assert page.history.order_by("-history_date").first().image == page.image.name


def test_a_new_pdf_is_stored_and_its_regions_detected(superuser_client, page):
    article = page.articles.get(position=1)
    article.title, article.body = HARBOUR[0], " ".join(HARBOUR[1])
    article.save()
    lines = [(40, 60, HARBOUR[0])] + [(40, 88 + 14 * i, t) for i, t in enumerate(HARBOUR[1])]
    upload = SimpleUploadedFile("p.pdf", pdf_with_text(lines), content_type="application/pdf")
    response = superuser_client.post(
        change_url(page), form_data(superuser_client, page, pdf_upload=upload)
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.pdf_page_count == 1
    assert page.printed["regions"]["from"] == "detected"
    assert list(Region.objects.filter(page=page).values_list("article", flat=True)) == [article.pk]


@pytest.mark.parametrize(
    "content", [b"not a pdf at all", b"%PDF-1.4 broken"], ids=["not a PDF", "broken"]
)
def test_a_file_that_is_not_a_pdf_is_refused(superuser_client, page, content):
    upload = SimpleUploadedFile("p.pdf", content, content_type="application/pdf")
    response = superuser_client.post(
        change_url(page), form_data(superuser_client, page, pdf_upload=upload)
    )
    assert response.status_code == 200
    assert "not a PDF that can be read" in response.content.decode()


def test_a_file_that_is_not_an_image_is_refused(superuser_client, page):
    upload = SimpleUploadedFile("p.jpg", page_pdf(), content_type="image/jpeg")
    response = superuser_client.post(
        change_url(page), form_data(superuser_client, page, image_upload=upload)
    )
    assert response.status_code == 200
    assert not Page.objects.get(pk=page.pk).image.name.endswith("p.jpg")


def test_the_page_list_reports_where_regions_came_from(superuser_client, page):
    source, drawn, none = page, page.edition.pages.get(number=2), None
    add_regions(source)
    render_pages_for([source])
    attach_image(drawn)
    render_pages_for([drawn])
    post_regions(
        superuser_client,
        drawn,
        [{"shape": "rect", "points": [[0, 0], [0.5, 0.5]], "article": None}],
    )
    none = build_edition(date=page.edition.date.replace(day=3), pages=1).pages.get()
    url = reverse("admin:editions_page_changelist")
    for value, expected in (("source", source), ("editor", drawn), ("none", none)):
        response = superuser_client.get(url, {"regions": value})
        assert list(response.context["cl"].result_list) == [expected], value
    html = superuser_client.get(url).content.decode()
    assert "drawn by an editor" in html
    assert "from the source" in html
