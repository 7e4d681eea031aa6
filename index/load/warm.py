"""Loaded once into the reader worker's fork server, so each worker it forks starts ready to read.

Importing this module imports every parser the worker uses and reads jieba's dictionary (what a
fresh process otherwise spends its first seconds on); :mod:`index.load.worker` preloads it.
"""

from __future__ import annotations

from index.ingest.prepare import analyse_bytes
from index.text.tokenize import tokenize

__all__ = ["analyse_bytes"]

tokenize("政府信息公开工作年度报告")  # jieba reads its dictionary on first use
