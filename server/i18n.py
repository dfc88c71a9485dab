"""The pages' own words in Chinese and English (labels of data come from the data itself)."""

from __future__ import annotations

from collections.abc import Mapping

UI: dict[str, dict[str, str]] = {
    "site": {"zh": "专精特新“小巨人”企业知识图谱", "en": "Little Giant Knowledge Graph"},
    "home": {"zh": "首页", "en": "Home"},
    "enterprise": {"zh": "企业", "en": "Enterprise"},
    "enterprises": {"zh": "企业", "en": "Enterprises"},
    "region": {"zh": "地区", "en": "Region"},
    "regions": {"zh": "地区", "en": "Regions"},
    "batch": {"zh": "批次", "en": "Batch"},
    "batches": {"zh": "批次", "en": "Batches"},
    "document": {"zh": "文件", "en": "Document"},
    "documents": {"zh": "文件", "en": "Documents"},
    "designation": {"zh": "认定", "en": "Designation"},
    "designations": {"zh": "认定", "en": "Designations"},
    "legal_name": {"zh": "企业名称", "en": "Legal name"},
    "english_name": {"zh": "英文名称", "en": "English name"},
    "former_name": {"zh": "曾用名", "en": "Former name"},
    "uscc": {"zh": "统一社会信用代码", "en": "Unified Social Credit Code"},
    "tier": {"zh": "层级", "en": "Tier"},
    "notice": {"zh": "公告文件", "en": "Notice"},
    "valid_from": {"zh": "有效期起", "en": "Valid from"},
    "valid_until": {"zh": "有效期至", "en": "Valid until"},
    "status": {"zh": "状态", "en": "Status"},
    "as_of": {"zh": "截至", "en": "As of"},
    "timeline": {"zh": "时间线", "en": "Timeline"},
    "sources": {"zh": "来源", "en": "Sources"},
    "declared": {"zh": "公布数量", "en": "Declared count"},
    "known": {"zh": "已收录", "en": "Known in this dataset"},
    "claims": {"zh": "各来源数字", "en": "Counts as sources state them"},
    "basis": {"zh": "口径", "en": "Basis"},
    "cites": {"zh": "引用", "en": "Cites"},
    "cited_by": {"zh": "被引用", "en": "Cited by"},
    "announces": {"zh": "公布", "en": "Announces"},
    "awarded": {"zh": "据此认定", "en": "Designations it awarded"},
    "number": {"zh": "文号", "en": "Document number"},
    "title": {"zh": "标题", "en": "Title"},
    "issuer": {"zh": "发文机关", "en": "Issuer"},
    "date_written": {"zh": "成文日期", "en": "Date written"},
    "date_published": {"zh": "发布日期", "en": "Date published"},
    "kind": {"zh": "类型", "en": "Kind"},
    "properties": {"zh": "全部属性", "en": "All statements"},
    "formats": {"zh": "其他格式", "en": "Other formats"},
    "counts": {"zh": "数据概况", "en": "The dataset in numbers"},
    "triples": {"zh": "三元组", "en": "Triples"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "none": {"zh": "无", "en": "none"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "language": {"zh": "English", "en": "中文"},
    "event": {"zh": "事件", "en": "Event"},
    "date": {"zh": "日期", "en": "Date"},
    "query": {"zh": "SPARQL 查询", "en": "SPARQL query"},
    "data": {"zh": "数据下载", "en": "Data and dumps"},
    "ontology": {"zh": "本体", "en": "Ontology"},
    "classes": {"zh": "类", "en": "Classes"},
    "properties_terms": {"zh": "属性", "en": "Properties"},
    "individuals": {"zh": "个体", "en": "Individuals"},
    "credit_code": {"zh": "统一社会信用代码", "en": "Credit code"},
    "overview": {"zh": "概览", "en": "At a glance"},
    "map": {"zh": "各报送地区已收录企业", "en": "Known enterprises by reporting region"},
    "map_note": {
        "zh": "每个方块是一个报送地区，位置大致按地理；虚线方块为计划单列市和新疆生产建设兵团。",
        "en": "One square per reporting region, placed roughly where it lies; dashed squares are "
        "the separately-planned cities and the XPCC.",
    },
    "show": {"zh": "显示", "en": "Show"},
    "all_enterprises": {"zh": "全部企业", "en": "All enterprises"},
    "list": {"zh": "名单", "en": "List"},
    "unplaced": {
        "zh": "家企业的报送地区未知，未在图中",
        "en": "enterprises of unknown region are not on the map",
    },
    "declared_vs_known": {"zh": "各批次公布数量与已收录数量", "en": "Declared and known per batch"},
    "documents_timeline": {"zh": "文件时间线", "en": "The documents over time"},
    "as_table": {"zh": "以表格查看", "en": "As a table"},
    "completeness_note": {
        "zh": "本数据集只收录有来源的企业；未收录的名单企业不作推测。",
        "en": "Only enterprises a source names are included; missing names are never guessed.",
    },
}


def ui_strings(lang: str) -> Mapping[str, str]:
    """Every UI string in one language, for templates (``t.enterprise``)."""
    return {key: texts[lang] for key, texts in UI.items()}
