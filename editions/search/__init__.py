"""Full-text search of the articles, in Chinese, on SQLite and PostgreSQL.

* :mod:`.text`: folding (traditional -> simplified, full-width -> ASCII, case) and runs;
* :mod:`.query`: the reader's query language;
* :mod:`.documents`: what the index holds for an article, and its number;
* :mod:`.postings`: characters and pairs -> documents, cut and packed (NumPy, no Django);
* :mod:`.store`: writing documents and segments, merging small segments;
* :mod:`.scan`: reading: candidates from the postings, checked in SQL, in order;
* :mod:`.backends`: the few words of SQL that differ between SQLite and PostgreSQL;
* :mod:`.indexing`: keeping the index in step (triggers queue, Python indexes);
* :mod:`.rebuild`: a new index built beside the live one (in parallel) and swapped in;
* :mod:`.queryset`: ``Article.objects.search(q)``, ranked pages and facets;
* :mod:`.highlight`: snippets with the reader's words marked.

For the importer and any other bulk writer: the database triggers already queue
every article written; call :func:`search_index_flush` (or
:func:`search_index_update` with the ids) when a batch is committed to make them
searchable at once. An import's ``ImportRun`` being saved at its end does it too.
"""

from .indexing import search_index_flush, search_index_remove, search_index_update
from .signals import connect as _connect

__all__ = ["search_index_flush", "search_index_remove", "search_index_update"]

_connect()
