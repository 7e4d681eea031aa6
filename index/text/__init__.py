"""The one text vocabulary of index/ and assistant/: search form, folding, dates, clauses, tokens.

* :mod:`index.text.searchform` — the simplified, noise-free search form with its map back to
  original offsets;
* :mod:`index.text.fold` — dash and width folding;
* :mod:`index.text.dates` — date shapes, ISO dates and ``Y-M-D`` folding;
* :mod:`index.text.clauses` — clause and sentence boundaries;
* :mod:`index.text.tokenize` — jieba tokens for BM25.
"""
