"""Words that say little about which event an article reports, for ``digest.story_text``.

Two kinds. The words of news itself (记者, 获悉, 表示, said, officials), which every article
carries. And the words of the genres that come back every day in other events of the same
kind: every earthquake report says 地震, 震源, 深度 and 台网; every typhoon 登陆 and 风力;
every market close 指数, 收涨 and 成交额; every rate decision 利率 and 维持. Two earthquakes
share all of those and only those; two reports of one earthquake also share its place, its
magnitude and its time. So these words count for little, and the names, places and figures
of an event for much (``digest.story_text`` weighs them).

The lists are written by hand from the genres of a news digest, not learnt from the labelled
pairs. A longer word or a stock phrase (据中国地震台网正式测定) makes each of its bigrams
common, those across its words (国地, 网正) too: text is cut into bigrams, not words.
"""

from __future__ import annotations

_COMMON_CHINESE = """
记者 获悉 了解 表示 介绍 发布 消息 据悉 报道 新闻 电讯 日电 新华 新华社
中新 中新网 央视 澎湃 财新 人民网
今年 去年 明年 目前 已经 相关 部门 工作 进行 开展 推进 加强 提升 发展 建设 管理 服务
国家 全国 我国 中国 美国 地区 城市 社会 经济 企业 市场 政府 有关 负责 人员 群众 居民
情况 问题 方面 期间 以来 其中 此外 同时 同比 环比 增长 下降 上涨 提高 降低 继续 持续
当天 当日 今天 昨天 日前 近日 上午 下午 晚间 凌晨 中午 晚上 时间 当地 国际 国内 世界 全球
发生 举行 召开 宣布 决定 认为 指出 强调 要求 提出 计划 预计 可能 需要 能够 正在 将会
一个 一些 多个 部分 主要 重要 共同 积极 有效 全面 各地 各类 各方 双方 合作 交流 活动 会议
公司 集团 公告 数据 显示 统计 结果 影响 目标 措施 政策 支持 已经 进一步 截至 其中 分别
此次 本次 这是 首次 再次 成为 实现 达到 超过 不少 之后 之前 随后 此前 后续 未来 最新
官方 方面 人士 专家 分析 有望 据了 了解 从中 日从 日上 日下 日晚 日在 日宣 日发 月份 年度
地震 震源 深度 台网 测定 正式 震中 震感 余震 北纬 东经 千米 伤亡 暂无 应急 响应 灾情 核查 级地
台风 登陆 风力 中心 附近 最大 气象 预警 沿海 暴雨 大风 降雨 强降 气象台 防汛 转移
指数 收涨 收跌 收盘 成交 交额 板块 个股 沪指 深证 成指 创业 业板 涨幅 跌幅 两市 报收 上证 截至
利率 降息 加息 基点 百分 分点 维持 不变 央行 货币 通胀 物价 报价 贷款 经济 增速
比赛 主场 客场 战胜 击败 比分 得分 进球 球队 联赛 赛季 冠军 决赛 总比 全场 本场
营收 净利 利润 销量 股份 上市 发行 亿元 万元 美元 港元 同比 发射 圆满 成功 运载 火箭
会见 会谈 通电 电话 外长 总统 总理 主席 部长 外交 外交部 开幕 闭幕 代表 参加 举办
市场 发展 经济 政府 企业 问题 情况 项目 建设 服务 管理 推进 提升 加强 重要 全面 数据 显示
负责人 介绍 计划 方面 活动 报告 指出 认为 专家 分析 未来 影响 政策 措施 支持 关注 群众 居民
城市 农村 基层 能力 水平 质量 安全 风险 稳定 创新 改革 开放 机制 体系 平台 资源 成本 价格 规模
效率 目标 任务 期间 过程 结果 成果 经验 做法 标准 规定 要求 条件 环境 基础 领域 行业 产业 技术
产品 用户 消费者 公众 网友 媒体 通知 调查 研究 机构 组织 单位 协会 委员会 成员 团队 工作人员
志愿者 大量 明显 逐步 充分 及时
据中国地震台网正式测定 震源深度 中央气象台发布 贷款市场报价利率 国家统计局发布 据新华社消息
中共 中央 政治局 委员 常委 书记 总书记 国务院 人民 共和国 政府 省委 市委
"""

_COMMON_ENGLISH = """
a an the of to in on at for and or but by with from as is are was were be been has have had it its
this that these those he she they we you i his her their our not no said says say will would could
should may might can after before over under into out up down about than more most less also just
new told year years day days week month months which who whom what when where while there here all
any some such other one two three four five first last per if so then them him us do did does being
very much many since until during against between through including people percent per cent news
reuters ap bbc associated press reported reporters according official officials government
monday tuesday wednesday thursday friday saturday sunday morning evening night
january february march april may june july august september october november december
earthquake quake magnitude tsunami struck strikes hit hits agency survey depth km kilometers miles
typhoon storm landfall winds rain flooding evacuated evacuation weather observatory
rate rates interest bank central inflation cut cuts held holds hold steady unchanged policy basis
points point economy economic growth data prices price
stocks shares index market markets trading investors nasdaq dow jones s&p
ended closed gained rose fell
game win wins beat beats season points scored team coach finals
company quarter revenue profit billion million sales
president minister prime leader talks call visit meeting summit
united states nations u.s u.n secretary-general chief state national international
china chinese european union eu america american world global
"""

# A longer word counts by each of its bigrams, as text is cut into bigrams.
COMMON_BIGRAMS = frozenset(
    word[start : start + 2] for word in _COMMON_CHINESE.split() for start in range(len(word) - 1)
)
COMMON_LATIN = frozenset(_COMMON_ENGLISH.split())
