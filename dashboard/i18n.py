"""Every user-facing string, Chinese first and English second, in one table.

Look-ups go through `t(key, lang, **values)`; a missing key raises so a typo fails a test rather
than showing a raw key to an official.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXTS: dict[str, tuple[str, str]] = {
    # --- app shell -------------------------------------------------------------------------
    "app.title": ("北京基层治理四十年", "Beijing community governance: 40 years"),
    "app.subtitle": (
        "首都基层政权和城乡社区治理新发展 · 数据看板",
        "Grassroots government and community governance in Beijing · briefing dashboard",
    ),
    "sidebar.snapshot": ("数据快照", "Data snapshot"),
    "sidebar.language": ("语言 / Language", "Language / 语言"),
    "sidebar.district": ("区域", "District"),
    "sidebar.as_of": ("数据截至 {date}", "Figures as of {date}"),
    "sidebar.sample_label": ("{title}【示例】", "{title} [SAMPLE]"),
    "sidebar.present": ("演示模式", "Presentation mode"),
    "geo.city": ("全市", "All Beijing"),
    "geo.beijing": ("北京市", "Beijing"),
    "breadcrumb.back": ("返回全市", "Back to all Beijing"),
    "notice.bad_param": (
        "链接参数 {name} 无效,已忽略。", "The link parameter {name} is not valid and was ignored."
    ),
    "notice.snapshot_failed": (
        "数据快照 {snapshot} 无法使用:{error}。现显示 {fallback}。",
        "Snapshot {snapshot} cannot be used: {error}. Showing {fallback} instead.",
    ),
    "notice.no_snapshot": (
        "没有可用的数据快照。请运行 python -m dashboard build。",
        "No usable snapshot. Run: python -m dashboard build",
    ),
    "sample.banner": (
        "示例数据:本快照为合成数据,仅用于演示看板在数据完整时的效果,不得引用。",
        "SAMPLE DATA: this snapshot is synthetic, for showing what the views do with full data. "
        "Never quote it.",
    ),
    "sample.watermark": ("示例数据 / SAMPLE DATA", "示例数据 / SAMPLE DATA"),
    # --- pages -----------------------------------------------------------------------------
    "page.overview": ("总览", "Overview"),
    "page.ten_firsts": ("十个一", "Ten firsts"),
    "page.trends": ("四十年", "Forty-year trends"),
    "page.workforce": ("社区工作者", "Community workforce"),
    "page.volunteers": ("志愿服务", "Volunteers"),
    "page.deliberation": ("议事协商", "Deliberation"),
    "page.grid_services": ("网格与服务", "Grid and services"),
    "page.data_sources": ("数据与来源", "Data and sources"),
    "page.compare": ("快照对比", "Compare snapshots"),
    "page.import": ("导入数据", "Import data"),
    "page.present": ("演示", "Presentation"),
    # --- provenance ------------------------------------------------------------------------
    "prov.source": ("来源", "Source"),
    "prov.status": ("口径", "Status"),
    "prov.quote": ("原文", "Quote"),
    "prov.period": ("时间", "Period"),
    "prov.note": ("说明", "Note"),
    "prov.grade": ("来源类型", "Source type"),
    "prov.snapshot": ("快照", "Snapshot"),
    "prov.as_of": ("截至", "as of"),
    "prov.details": ("来源与原文", "Source and quote"),
    "prov.period_unstated": ("未注明时间", "time not stated"),
    "status.reported": ("公开发布", "reported"),
    "status.derived": ("据公开数计算", "derived"),
    "status.estimated": ("估计", "estimated"),
    "status.sample": ("示例数据", "sample"),
    "grade.official": ("政府发布", "official"),
    "grade.media": ("媒体报道", "media"),
    "grade.statistical": ("统计资料", "statistical"),
    "grade.internal": ("内部生成", "internal"),
    "footer.line": ("来源:{sources} · 快照 {snapshot} · 截至 {as_of} · {place}",
                    "Source: {sources} · snapshot {snapshot} · as of {as_of} · {place}"),
    # --- drill-down and gaps ---------------------------------------------------------------
    "district.not_reported": ("该指标暂无分区数据", "Not reported by district"),
    "district.city_value": ("全市数值", "City figure"),
    "district.district_value": ("本区数值", "District figure"),
    "district.click_hint": ("点击地图或条形图中的区可下钻。", "Click a district on the map or bars to drill down."),
    "district.missing_list": ("未报告:{names}", "Not reported: {names}"),
    "chart.connection": ("连线仅示意两次发布之间的变化,不是数据", "Line only connects published points; it is not data"),
    "chart.reported_points": ("公开发布值", "Published values"),
    "chart.sample_series": ("示例序列", "Sample series"),
    "chart.no_data": ("暂无数据", "No data"),
    "chart.table": ("数据表", "Data table"),
    "chart.year": ("年份", "Year"),
    "chart.value": ("数值", "Value"),
    "chart.undated": ("未注明年份:{items}", "Year not stated: {items}"),
    "flag.yes": ("已出台", "Issued"),
    "flag.no": ("尚未出台", "Pending"),
    "event.olympics": ("2008 北京奥运会", "2008 Beijing Olympics"),
    "event.reform_2017": ("2017 特别法人、地方标准", "2017 legal status and local standard"),
    "event.pay_2018": ("2018 社工待遇100%", "2018 pay raised to 100%"),
}


def t(key: str, lang: str, **values: object) -> str:
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"
