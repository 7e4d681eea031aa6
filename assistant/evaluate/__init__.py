"""``disclosure eval``: run a QA file against a folder of reports and score it as DESIGN.md says.

* :mod:`assistant.evaluate.run` — index, ask every question, compute the metrics;
* :mod:`assistant.evaluate.scoring` — answer correctness and citation overlap on folded text.
"""
