"""Chinese tokens for BM25: jieba search-mode words over the simplified search form."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from types import ModuleType

log = logging.getLogger(__name__)

# Domain words jieba splits badly; kept whole so BM25 matches them as units.
DOMAIN_WORDS = (
    "政府信息公开",
    "信息公开",
    "依申请公开",
    "主动公开",
    "信息处理费",
    "行政事业性收费",
    "行政复议",
    "行政诉讼",
    "行政许可",
    "行政处罚",
    "行政强制",
    "规范性文件",
    "行政规范性文件",
    "政策解读",
    "年度报告",
    "联系电话",
    "电子邮箱",
    "邮政编码",
    "邮编",
    "传真",
    "办公地址",
    "结转下年度",
    "上年结转",
    "本年新收",
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "结果维持",
    "结果纠正",
    "尚未审结",
    "政务新媒体",
    "门户网站",
    "人事任免",
    "通知公告",
    "新闻发布会",
    "统计期限",
    "政务公开",
    "机关事务管理局",
)
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 为 对 中 有 多少 几 哪些 什么 哪 吗 呢 么 怎么 如何 是否 请问 "
    "一共 共 个 年 月 日 本 该 其 这 那 按 按照 根据 哪里 哪个 哪天 几件 几条 多少件 多少条 "
    "还 也 都 被 把 将 于 以 之 上 下".split()
)
_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba() -> ModuleType:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000)
    module: ModuleType = jieba
    return module


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of folded text, without punctuation and stopwords.

    >>> tokenize("政府信息公开申请数量")
    ['政府', '信息', '公开', '政府信息公开', '申请', '数量']
    """
    jieba = _jieba()
    tokens = []
    for tok in jieba.lcut_for_search(text.lower()):
        tok = tok.strip()
        if not tok or tok in STOPWORDS or not _TOKEN_OK.search(tok):
            continue
        tokens.append(tok)
    return tokens
