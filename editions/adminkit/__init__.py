"""Building blocks of the editors' desk (the Django admin), kept out of ``admin.py``
so that file reads as the list of what editors see.

* :mod:`.diff`: readable differences between two versions of a text (pure Python);
* :mod:`.history`: version lists, diffs, reverts and correction notes on top of
  django-simple-history;
* :mod:`.upload`: the raw page upload page, a thin shell around the importer service.
"""
