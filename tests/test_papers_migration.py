"""An installation of a single-paper release keeps its editions: they become the first paper's."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("editions", "0002_editors_group")]
AFTER = [("editions", "0005_papers_required")]


@pytest.mark.django_db(transaction=True)
def test_the_single_paper_becomes_the_first_paper(settings, django_user_model):
    settings.NEWSPAPER_NAME = "澄江日报"
    settings.NEWSPAPER_CODE = "cjrb"
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        edition = old.get_model("editions", "Edition").objects.create(
            date=datetime.date(2024, 8, 2)
        )
        section = old.get_model("editions", "Section").objects.create(name="要闻", slug="yao-wen")
        old.get_model("editions", "Page").objects.create(
            edition=edition, number=1, label="01", name="要闻", section=section
        )
        staff = old.get_model("auth", "User").objects.create(username="old-editor", is_staff=True)
        # A transactional test before this one may have emptied the table the 0002 made.
        old.get_model("auth", "Group").objects.get_or_create(name="Editors")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        paper = new.get_model("editions", "Paper").objects.get()
        assert (paper.code, paper.name) == ("cjrb", "澄江日报")
        assert new.get_model("editions", "Edition").objects.get().paper_id == paper.pk
        assert new.get_model("editions", "Section").objects.get().paper_id == paper.pk
        assert list(paper.editors.values_list("pk", flat=True)) == [staff.pk]
        group = new.get_model("auth", "Group").objects.get(name="Editors")
        assert group.permissions.filter(codename="preview_edition").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
