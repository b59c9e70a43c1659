"""The full-text index of the articles (editions.search): tables, the triggers that
queue every changed article, and every existing article queued (index them with
``manage.py rebuild_search_index``, or let the next import's end do it)."""

from django.db import migrations

from editions.search import backends


def create(apps, schema_editor):
    backend = backends.for_connection(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        backend.create_schema(cursor)
        backend.create_triggers(cursor)
        cursor.execute(
            f"INSERT INTO {backend.PENDING} (article_id) SELECT id FROM editions_article"
        )


def drop(apps, schema_editor):
    backend = backends.for_connection(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        backend.drop_triggers(cursor)
        backend.drop_schema(cursor, "_build")
        backend.drop_schema(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0008_apikey"),
    ]

    operations = [migrations.RunPython(create, drop)]
