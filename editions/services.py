"""The importer's former home, kept so older imports keep working: see :mod:`editions.importing`."""

from .importing import (  # noqa: F401
    BATCH_SIZE,
    IMPORT_REASON,
    FileResult,
    ImportFileError,
    ImportReport,
    PaperFinder,
    Status,
    pages_import,
    resolve_date,
)

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = tuple(Status)
STATUSES = tuple(Status)
