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
        "链接参数 {name} 无效,已忽略。",
        "The link parameter {name} is not valid and was ignored.",
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
    "footer.line": (
        "来源:{sources} · 快照 {snapshot} · 截至 {as_of} · {place}",
        "Source: {sources} · snapshot {snapshot} · as of {as_of} · {place}",
    ),
    # --- drill-down and gaps ---------------------------------------------------------------
    "district.not_reported": ("该指标暂无分区数据", "Not reported by district"),
    "district.city_value": ("全市数值", "City figure"),
    "district.district_value": ("本区数值", "District figure"),
    "district.click_hint": (
        "点击地图或条形图中的区可下钻。",
        "Click a district on the map or bars to drill down.",
    ),
    "district.missing_list": ("未报告:{names}", "Not reported: {names}"),
    "chart.connection": (
        "连线仅示意两次发布之间的变化,不是数据",
        "Line only connects published points; it is not data",
    ),
    "chart.reported_points": ("公开发布值", "Published values"),
    "chart.sample_series": ("示例序列", "Sample series"),
    "chart.no_data": ("暂无数据", "No data"),
    "chart.table": ("数据表", "Data table"),
    "download.button": ("下载", "Download"),
    "chart.year": ("年份", "Year"),
    "chart.value": ("数值", "Value"),
    "chart.undated_column": ("未注明年份", "Year not stated"),
    "flag.yes": ("已出台", "Issued"),
    "flag.no": ("尚未出台", "Pending"),
    "event.olympics": ("2008 北京奥运会", "2008 Beijing Olympics"),
    "event.reform_2017": ("2017 特别法人、地方标准", "2017 legal status and local standard"),
    "event.pay_2018": ("2018 社工待遇100%", "2018 pay raised to 100%"),
    # --- chart titles and subtitles (catalog) --------------------------------------------------
    "chart.ten_firsts.title": (
        "“十个一”:北京基层治理的十个全国率先",
        "The ten firsts: where Beijing led China",
    ),
    "chart.ten_firsts.subtitle": (
        "按年份排列、按类别着色;年份仅采用来源明确给出的,其余列于右侧",
        "By year, coloured by category; years only where a source gives one, the rest on the right",
    ),
    "chart.forty_years.title": ("四十年之变", "Forty years in numbers"),
    "chart.forty_years.subtitle": ("两端均有公开来源的变化", "Changes where both ends are sourced"),
    "chart.trend.subtitle": ("{unit};圆点为公开发布值", "{unit}; dots are published values"),
    "chart.district_map.subtitle": ("{name},各区最新值", "{name}, latest value per district"),
    "chart.workforce_profile.title": ("社区工作者队伍", "The community workforce"),
    "chart.workforce_profile.subtitle": (
        "人数;斜线表示来源只给出“以上/近”",
        "People; hatching marks figures given as 'over' or 'nearly'",
    ),
    "chart.workforce_age.title": ("社区工作者年轻化", "A younger community workforce"),
    "chart.workforce_age.subtitle": (
        "以往年龄段(50—60岁)与现在平均年龄",
        "Earlier typical age (50s–60s) against today's average",
    ),
    "chart.workforce_pay.title": ("社区工作者待遇", "Community workers' pay"),
    "chart.workforce_pay.subtitle": (
        "总体待遇平均水平占本市职工平均工资的比例",
        "Average pay as a share of the city's average wage",
    ),
    "chart.pay_rules.title": (
        "各区社区工作者工资办法出台情况",
        "District pay rules for community workers",
    ),
    "chart.pay_rules.subtitle": (
        "截至发布会,16个区中14个区已出台",
        "By the press conference, 14 of 16 districts had issued theirs",
    ),
    "chart.shares.title": ("学历与持证", "Education and certification"),
    "chart.shares.subtitle": ("百分比", "Percent"),
    "chart.volunteers.title": ("志愿服务规模", "Volunteering in Beijing"),
    "chart.volunteers.subtitle": (
        "实名注册志愿者、团体与服务时长",
        "Registered volunteers, groups and service hours",
    ),
    "chart.reporting.title": ("回社区报到", "Reporting to their communities"),
    "chart.reporting.subtitle": (
        "2018年回社区报到参加志愿服务的人数",
        "People who reported to their communities to volunteer in 2018",
    ),
    "chart.deliberation.title": ("社区议事厅覆盖", "Community deliberation halls"),
    "chart.deliberation.subtitle": (
        "建有议事厅的社区占比;斜线表示来源只给出下限",
        "Share of communities with a hall; hatching marks a lower bound",
    ),
    "chart.grid.title": ("网格化管理", "Grid management"),
    "chart.grid.subtitle": ("基础网格与各类网格员", "Basic grids and grid workers"),
    "chart.grid_workers.title": ("网格员构成", "Grid workers"),
    "chart.grid_workers.subtitle": ("专职与兼职网格员(人)", "Full-time and part-time (people)"),
    "chart.services.title": (
        "一刻钟社区服务圈与社区之家",
        "15-minute service circles and community homes",
    ),
    "chart.services.subtitle": ("累计数量(个)", "Cumulative number"),
    "chart.office.title": ("社区办公服务用房达标", "Community offices meeting the 350 m² standard"),
    "chart.office.subtitle": (
        "达到350平方米标准的社区占比",
        "Share of communities meeting the standard",
    ),
    "chart.headlines.title": ("基层治理主要数字", "Key figures of community governance"),
    "chart.headlines.subtitle": ("发布会公布的主要数字", "Headline figures as published"),
    "data.filter_topic": ("主题", "Topic"),
    "data.filter_status": ("口径", "Status"),
    "data.filter_district": ("区域", "Place"),
    "data.count": ("共 {n} 条数值", "{n} values"),
    "data.manifest": ("快照清单", "Snapshot manifest"),
    "data.sources": ("来源登记", "Source registry"),
    "data.download_csv": ("下载CSV", "Download CSV"),
    "data.download_xlsx": ("下载XLSX", "Download XLSX"),
    "data.left_out": (
        "发布会中未作为数据收录的数字及原因,见 data/sources/LEFT_OUT.md。",
        "Figures from the press conference not entered as data, and why: data/sources/LEFT_OUT.md.",
    ),
    "topic.trends": ("组织体系", "Structure"),
    "topic.milestones": ("十个一", "Ten firsts"),
    "topic.workforce": ("社区工作者", "Workforce"),
    "topic.volunteers": ("志愿服务", "Volunteers"),
    "topic.deliberation": ("议事协商", "Deliberation"),
    "topic.grid_services": ("网格与服务", "Grid and services"),
    "topic.population": ("人口与面积", "Population and area"),
    "label.urban": ("城市社区", "Urban communities"),
    "label.rural": ("农村社区", "Rural communities"),
    "label.age_earlier": ("以往(50—60岁)", "Earlier (50s–60s)"),
    "label.age_now": ("现在平均年龄", "Average age now"),
}


def t(key: str, lang: str, **values: object) -> str:
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"
