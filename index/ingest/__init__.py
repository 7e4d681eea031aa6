"""The single writer of a data directory: files in, reports indexed (load -> clean -> parse -> chunk -> store).

* :mod:`index.ingest.indexer` — :class:`Indexer`: ingest, delete, re-index, verify;
* :mod:`index.ingest.prepare` — one file to the rows it adds (nothing written to the index yet);
* :mod:`index.ingest.recovery` — rolling back or finishing what an interrupted writer left.
"""

from index.ingest.indexer import Indexer, ProgressFn, copy_sample_reports, expand_paths
from index.models import IngestResult, IngestStatus

__all__ = ["Indexer", "IngestResult", "IngestStatus", "ProgressFn", "copy_sample_reports", "expand_paths"]
