"""PostgreSQL: an index of each article's page beside its id, so a search's check of a
candidate (is it still visible, in which section: a lookup of article, page, edition and
paper per candidate) reads the article's page from this small index alone, not from the
article's row in a table the size of the archive's text. A thousand candidates, when
their rows are not in memory, were a thousand reads from disk.

SQLite needs none: its rows are found by id in the table's own tree, and an index
there would only add a copy. (Not in ``Article.Meta``: Django's ``Index.include`` is
PostgreSQL's alone, and elsewhere it would create a plain index on the id.)"""

from django.db import migrations

NAME = "editions_article_id_page"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON editions_article (id) INCLUDE (page_id)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0014_search_entries_inline"),
    ]

    operations = [migrations.RunPython(forward, backward)]
