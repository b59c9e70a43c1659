"""The digital edition: a Paper (one title of a newspaper group) prints an
Edition a day (sometimes more: a 号外, an evening edition); an Edition has Pages
(版), each Page belongs to one of its paper's Sections and carries Articles in
page order.

Identity lives in named database constraints (paper, date and edition code;
page number within an edition; article position within a page): re-imports and
concurrent imports rely on them to update rows in place instead of duplicating
them, which also keeps readers' bookmarks stable.

The models live in one module per subject; every name is re-exported here, so
``from editions.models import Article`` and the migrations' references
(``editions.models.page_file_path``, validators, the JSON encoder) keep working.
"""

# The API's keys: the app's models are all found through this package.
from ..api.models import ApiKey
from .articles import (
    ARTICLE_BODY_MAX_CHARS,
    ARTICLE_TEXT_FIELDS,
    Article,
    ArticleQuerySet,
    Photo,
    Region,
    UnicodeJSONEncoder,
    photo_file_path,
)
from .editions import PREVIEW_PERMISSION, Edition, EditionQuerySet, lock_edition
from .imports import ImportRun, ImportRunQuerySet
from .pages import Page, PageQuerySet, page_file_path
from .papers import (
    RESERVED_PAPER_CODES,
    Paper,
    PaperQuerySet,
    Section,
    section_slug,
    validate_paper_code,
)

__all__ = [
    "ARTICLE_BODY_MAX_CHARS",
    "ARTICLE_TEXT_FIELDS",
    "PREVIEW_PERMISSION",
    "RESERVED_PAPER_CODES",
    "ApiKey",
    "Article",
    "ArticleQuerySet",
    "Edition",
    "EditionQuerySet",
    "ImportRun",
    "ImportRunQuerySet",
    "Page",
    "PageQuerySet",
    "Paper",
    "PaperQuerySet",
    "Photo",
    "Region",
    "Section",
    "UnicodeJSONEncoder",
    "lock_edition",
    "page_file_path",
    "photo_file_path",
    "section_slug",
    "validate_paper_code",
]
