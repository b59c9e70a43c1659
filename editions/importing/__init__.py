"""The importer: parsed raw pages (and page images, PDFs) in, edition rows out.

* :mod:`.report`: the per-file :class:`Status`, :class:`FileResult`, :class:`ImportReport`;
* :mod:`.prepare`: which paper and date a file belongs to, and whether it fits;
* :mod:`.matching`: which article row a file is (placeholders, corrections);
* :mod:`.group`: the editions of one transaction, found and locked together;
* :mod:`.batch`: each edition's files written, several editions in one transaction;
* :mod:`.run`: :func:`pages_import`, the loop around them (the caller may own the run).
"""

from .batch import IMPORT_REASON
from .prepare import ImportFileError, PaperFinder, resolve_date
from .report import FileResult, ImportReport, Kind, Status
from .run import BATCH_SIZE, new_run, pages_import

__all__ = [
    "BATCH_SIZE",
    "IMPORT_REASON",
    "FileResult",
    "ImportFileError",
    "ImportReport",
    "Kind",
    "PaperFinder",
    "Status",
    "new_run",
    "pages_import",
    "resolve_date",
]
