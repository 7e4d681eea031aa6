"""Where the index lives: one data directory with the SQLite catalogue, Chroma vectors, BM25 and stored files.

* :mod:`index.storage.store` — :class:`~index.storage.store.Store` (open handles on a data directory)
  and the single-writer lock;
* :mod:`index.storage.catalogue` — the SQLite catalogue (reports, chunks, facts, embedding cache);
* :mod:`index.storage.vectors` — the Chroma collection of chunk vectors;
* :mod:`index.storage.lexical` — the bm25s index over jieba tokens;
* :mod:`index.storage.embed` — the embedding models, loaded offline.
"""
