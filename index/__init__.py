"""Turn disclosure-report files into a hybrid (BM25 + dense) index with a SQLite catalogue."""
