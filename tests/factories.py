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


def crawled_report(
    issuer: str = "样例市生态环境局",
    year: int = 2023,
    *,
    published: str = "2024-01-26 09:30",
    updated: str = "2024-03-02 16:05",
    phones: str = "0571-87650001、0571-87650002",
    fee_words: str = "本年度未发生收费情况",
) -> str:
    """A report page as a crawler saves it: metadata lines, prose counts, a run-together table row,
    problems as "（一）…（二）…" under a sub-heading, and section 六 that says 无."""
    return f"""{issuer}{year}年政府信息公开工作年度报告
发布日期：{published}　来源：{issuer}　更新时间：{updated}　浏览次数：1024
本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。
一、总体情况
{year}年，我局通过门户网站主动公开政府信息415条，通过“样例环境”微信公众号推送信息236条，“样例环境”微博发布信息118条。全年共受理政府信息公开申请17件，其中予以公开9件，部分公开3件，不予公开2件，无法提供3件；结转下年度继续办理1件。截至{year}年底，累计公开环评审批信息1380条。
二、主动公开政府信息情况
信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件2111
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量1700000017
四、政府信息公开行政复议、行政诉讼情况
全年发生政府信息公开行政复议1件，结果维持；行政诉讼0件。
五、存在的主要问题及改进情况
（一）存在的主要问题
1.主动公开的深度和广度有待拓展；2.政策解读的形式较为单一；3.依申请公开答复的规范性还需加强。
（二）改进情况
下一步，我局将加强业务培训，丰富解读形式。
六、其他需要报告的事项
{fee_words}。其他需要报告的事项：无。
联系电话：{phones}；地址：样例市环城路9号；邮编：310001。
"""


def plain_report(
    issuer: str = "样例县人民政府",
    year: int = 2022,
    *,
    dateline: str | None = None,
    section_five: str = "一是公开内容不够全面，二是网站栏目更新不够及时，三是解读质量有待提高。下一步，我县将持续完善制度。",
    section_six: str = "无。",
    fee_words: str = "全年零收费",
) -> str:
    """An older-style report with a dateline under the title, enumerations ("分别", "、"), no fax,
    problems as "一是…二是…", and a section 六 that may say 无."""
    dateline = dateline or f"{year + 1}年2月15日"
    return f"""{issuer}{year}年政府信息公开工作年度报告
{dateline}
本报告根据《中华人民共和国政府信息公开条例》要求编制。如对本报告有疑问，请联系{issuer}办公室（电话：0797-5551234，电子邮箱：gk@example.gov.cn）。本报告电子版可在{issuer}门户网站（www.example.gov.cn）下载。
一、总体情况
{year}年，全县主动公开政府信息2150条，其中政策解读46条、人事任免19条、财政预决算33条。“样例发布”微信和微博分别发布信息903条、1207条。全年召开新闻发布会5场，开展在线访谈两次。全年共收到政府信息公开申请26件，办结25件，结转下年度1件。{fee_words}。
二、存在的主要问题及改进情况
{section_five}
三、其他需要报告的事项
{section_six}
"""
