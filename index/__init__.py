"""Files to a hybrid (BM25 + dense) index: load -> text (search form) -> parse -> chunk -> tables -> ingest -> storage."""
