"""Reports written by the tests themselves, modelled on the national template (国办公开办函〔2021〕30号)."""

from __future__ import annotations

from pathlib import Path


def template_report(
    issuer: str = "示例市示例区人民政府",
    year: int = 2022,
    *,
    new_requests: int = 12,
    phone: str = "0510-12345678",
    fax: str = "0510-12345679",
    info_fee: str = "本年度未收取信息处理费。",
    admin_fee: str = "35.2",
    extra: str = "",
) -> str:
    """A complete simplified-Chinese report with prose, contacts, 表二/表三/表四 as pipe rows."""
    carried = 1
    total = new_requests + carried
    disclosed = total - 3
    return f"""{issuer}{year}年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为{year}年1月1日至{year}年12月31日。如对本报告有疑问，请与{issuer}办公室联系（地址：示例路{year % 100}号；邮编：214000；电话：{phone}；传真：{fax}；电子邮箱：gk{year}@example.gov.cn）。

一、总体情况
{year}年，{issuer}坚持以公开为常态、不公开为例外，全年主动公开政府信息{300 + year % 10}条，其中政策解读{10 + year % 10}条，召开新闻发布会{year % 10 + 2}场。{extra}
（一）依申请公开情况。全年新收政府信息公开申请{new_requests}件，上年结转{carried}件。

二、主动公开政府信息情况
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
行政规范性文件 | 3 | 1 | 20
信息内容 | 本年处理决定数量
行政许可 | 1200
行政处罚 | 340
行政强制 | 5
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | {admin_fee}

三、收到和处理政府信息公开申请情况
本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计
一、本年新收政府信息公开申请数量 | {new_requests} | 0 | 0 | 0 | 0 | 0 | {new_requests}
二、上年结转政府信息公开申请数量 | {carried} | 0 | 0 | 0 | 0 | 0 | {carried}
（一）予以公开 | {disclosed} | 0 | 0 | 0 | 0 | 0 | {disclosed}
（七）总计 | {total} | 0 | 0 | 0 | 0 | 0 | {total}
四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0

四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计
1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0

五、存在的主要问题及改进情况
一是政策解读形式较为单一，二是依申请公开答复规范性有待提高。下一步，我们将加强培训，提升公开质量。

六、其他需要报告的事项
{info_fee}

{issuer}
{year + 1}年1月20日
"""


def write_report(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def self_referring_report(
    place: str, year: int = 2023, *, self_word: str = "我局", phone: str = "0511-87654321"
) -> str:
    """A report that never names its body: the title has no issuer, the text says only ``我局`` and
    mentions its place (``place``) in passing — the way many department pages are published."""
    marker = "待定单位"
    text = template_report(
        issuer=marker,
        year=year,
        phone=phone,
        extra=f"{self_word}依托{place}人民政府门户网站公开政府信息。",
    )
    text = text.replace(f"{marker}{year}年政府信息公开工作年度报告", f"{year}年政府信息公开工作年度报告")
    text = text.replace(f"请与{marker}办公室联系", f"请与{self_word}办公室联系")
    text = text.replace(f"\n{marker}\n", "\n")
    return text.replace(marker, self_word)
