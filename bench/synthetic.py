"""Synthetic news articles as JSON Lines, for the benchmarks.

Realistic enough for what the benchmarks measure: Chinese bodies of 250–800 characters made
of real words (so the full-text index sees realistic bigram frequencies: a few very common,
most rare), every body distinct (random numbers, names and places: near-duplicate detection
never merges two of them), twelve categories, an English share, publish times spread over a
couple of years (more articles recently, more in the Chinese daytime), written oldest first
as an archive or a feed history would be, and a small share of re-scraped copies (a changed
source and an editor's line) that dedup must catch.

    python bench/synthetic.py --n 20000 --out /tmp/articles.jsonl

Deterministic for a given ``--seed`` and ``--end``.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

CHINA = timezone(timedelta(hours=8))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# What the query benchmark searches for: a common two-character word, a four-character
# phrase of one category, and a phrase none of the vocabulary can form (no word has 鲸).
COMMON_WORD = "市场"
PHRASE = "人工智能"
MISSING_PHRASE = "鲸鱼跳舞"

GENERAL = _words(
    "市场 发展 经济 政府 企业 记者 表示 目前 工作 问题 情况 进一步 相关 部门 项目 建设 "
    "服务 管理 推进 提升 加强 重要 全国 地区 国家 社会 全面 持续 增长 数据 显示 今年 去年 "
    "同比 环比 负责人 介绍 计划 方面 活动 会议 召开 举行 报告 指出 认为 专家 分析 未来 "
    "预计 影响 政策 措施 支持 合作 交流 关注 群众 居民 城市 农村 基层 能力 水平 质量 "
    "安全 风险 稳定 创新 改革 开放 机制 体系 平台 资源 成本 价格 规模 效率 目标 任务 "
    "时间 期间 过程 结果 成果 经验 做法 标准 规定 要求 条件 环境 基础 领域 行业 产业 "
    "技术 产品 用户 消费者 公众 网友 媒体 消息 官方 公告 通知 调查 研究 机构 组织 单位 "
    "中心 协会 委员会 代表 成员 团队 人员 工作人员 志愿者 部分 多个 大量 不少 一些 各类 "
    "明显 逐步 积极 有效 充分 及时 正式 首次 再次 继续 已经 正在 将会 可能 需要 能够"
)

TOPICS: dict[str, str] = {
    "国际": "联合国 外交部 总统 总理 首相 大使 峰会 谈判 协议 制裁 冲突 停火 难民 选举 议会 "
    "盟友 双边 多边 关税 贸易 气候变化 减排 全球 欧盟 非洲 中东 东南亚 拉美 北约 安理会 "
    "决议 声明 访问 会晤 局势 紧张 和平 人道主义 援助 边境 移民 大选 投票 民调 反对派",
    "国内": "国务院 发改委 省委 市政府 人大 政协 代表 提案 乡村振兴 高铁 铁路 公路 水利 "
    "脱贫 医保 社保 养老 就业 户籍 城镇化 生态 保护 长江 黄河 大湾区 自贸区 试点 "
    "规划 督查 考核 整改 干部 党员 基层治理 营商环境 审批 政务 数字政府 民生 保障 住房",
    "财经": "央行 降准 降息 利率 汇率 人民币 股市 指数 上证 深证 成交额 基金 债券 银行 "
    "贷款 信贷 融资 上市 财报 营收 净利润 投资者 通胀 物价 消费 零售 出口 进口 外资 "
    "楼市 房价 保险 证券 监管 资本 并购 估值 收益率 期货 原油 黄金 供应链 制造业 订单",
    "科技": "人工智能 芯片 半导体 算法 大模型 数据中心 云计算 量子 卫星 火箭 航天 探测器 "
    "机器人 自动驾驶 新能源 电池 锂电 光伏 手机 操作系统 软件 开源 网络安全 隐私 5G "
    "通信 基站 研发 实验室 科学家 论文 专利 创业 初创 融资 芯片制造 显卡 服务器 算力",
    "体育": "比赛 球队 球员 教练 冠军 联赛 决赛 半决赛 进球 比分 主场 客场 奥运会 世界杯 "
    "马拉松 田径 游泳 乒乓球 羽毛球 篮球 足球 排球 网球 金牌 银牌 纪录 训练 转会 "
    "赛季 积分榜 裁判 点球 加时 晋级 淘汰 球迷 体育场 选手 国家队 预选赛 锦标赛 亚运会",
    "娱乐": "电影 票房 导演 演员 主演 剧集 综艺 歌手 演唱会 专辑 首映 上映 影片 角色 "
    "拍摄 剧组 粉丝 颁奖 金像奖 电影节 红毯 动画 续集 口碑 评分 流媒体 平台 播放量 "
    "话剧 音乐节 舞台 偶像 新歌 榜单 纪录片 制片 档期 春节档 暑期档 国庆档 观众 影院",
    "军事": "国防部 军队 部队 演习 训练 舰艇 航母 驱逐舰 战机 导弹 防空 雷达 海军 空军 "
    "陆军 火箭军 装备 列装 试射 巡航 编队 官兵 战备 实战化 联合演训 维和 护航 救援 "
    "搜救 边防 哨所 退役军人 征兵 军演 无人机 潜艇 两栖 登陆 指挥 作战 后勤 保障",
    "社会": "警方 民警 派出所 法院 判决 案件 嫌疑人 诈骗 交通事故 消防 火灾 救援 暴雨 "
    "台风 气温 降温 供暖 停电 停水 社区 物业 小区 居民楼 快递 外卖 骑手 学校 家长 "
    "老人 儿童 医院 急救 志愿服务 文明 邻里 纠纷 调解 热心 网约车 地铁 公交 景区",
    "健康": "医生 患者 医院 门诊 疫苗 流感 病毒 感染 症状 治疗 药物 临床 试验 手术 "
    "慢性病 糖尿病 高血压 心脏病 癌症 筛查 体检 营养 饮食 睡眠 运动 心理健康 焦虑 "
    "医保目录 集采 药价 中医 针灸 养生 健康码 卫生 疾控 传染病 儿科 老年病 康复 护理",
    "教育": "高考 中考 考生 分数线 录取 招生 高校 大学 中学 小学 幼儿园 教师 学生 课程 "
    "教材 课堂 作业 双减 培训机构 研究生 考研 留学 奖学金 毕业生 就业率 职业教育 "
    "实习 校园 食堂 宿舍 家校 学位 教改 在线教育 图书馆 科研 博士 硕士 本科 专业",
    "汽车": "新能源汽车 电动车 燃油车 车企 销量 车型 上市 续航 充电桩 换电 智能座舱 "
    "自动驾驶 车展 售价 降价 补贴 以旧换新 经销商 召回 发动机 变速箱 底盘 轮胎 "
    "混动 纯电 插电 电池包 快充 车主 试驾 口碑 SUV 轿车 MPV 出口量 工厂 产能 交付",
    "文化": "博物馆 文物 考古 遗址 展览 非遗 传承 书法 绘画 诗词 戏曲 京剧 昆曲 古籍 "
    "图书 出版 作家 文学 小说 读者 阅读 文化节 民俗 节日 春节 中秋 端午 庙会 灯会 "
    "古镇 建筑 修复 数字化 文创 艺术家 音乐会 美术馆 纪念馆 历史 朝代 丝绸之路 敦煌",
}

# Some sources write a category's alias, not its canonical name (normalisation is measured).
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "国际": ("国际新闻", "world"),
    "财经": ("经济", "finance"),
    "科技": ("互联网", "tech"),
    "体育": ("足球", "sports"),
}
# Share of each category (a news site has more 国内 and 财经 than 文化).
CATEGORY_WEIGHTS: dict[str, float] = {
    "国际": 14,
    "国内": 16,
    "财经": 14,
    "科技": 11,
    "体育": 9,
    "娱乐": 8,
    "军事": 5,
    "社会": 11,
    "健康": 4,
    "教育": 3,
    "汽车": 3,
    "文化": 2,
}
ENGLISH_CATEGORIES = {
    "国际": "world",
    "财经": "business",
    "科技": "technology",
    "体育": "sports",
    "娱乐": "entertainment",
    "健康": "health",
}

CITIES = _words(
    "北京 上海 广州 深圳 天津 重庆 成都 武汉 杭州 南京 西安 长沙 郑州 济南 青岛 沈阳 大连 "
    "哈尔滨 长春 石家庄 太原 合肥 福州 厦门 南昌 昆明 贵阳 南宁 海口 兰州 西宁 银川 乌鲁木齐 "
    "拉萨 呼和浩特 苏州 无锡 宁波 温州 佛山 东莞 珠海 汕头 泉州 烟台 洛阳 襄阳 宜昌 桂林 "
    "三亚 丽江 大理 敦煌 喀什 伦敦 巴黎 柏林 东京 首尔 纽约 华盛顿 莫斯科 新加坡 曼谷 悉尼"
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
SOURCES = _words(
    "天天要闻 新华网 人民网 央视新闻 中国新闻网 澎湃新闻 界面新闻 财新网 第一财经 环球网 "
    "新京报 北京日报 南方都市报 21世纪经济报道 科技日报 体坛周报 光明网 中国日报"
)
SITES = ("news.example.cn", "www.example-news.com", "m.example.org", "daily.example.net")
EDITORS = _words("张伟 李娜 王芳 刘洋 陈静 杨帆 赵磊 黄丽")
OPENERS = ("据{source}报道，", "记者从{city}获悉，", "{month}月{day}日，", "近日，", "日前，", "")
CLAUSES = (
    "同比增长{pct}%",
    "较去年同期下降{pct}%",
    "共计{count}人次",
    "涉及金额{money}亿元",
    "覆盖{count}个社区",
    "{person}在{city}表示",
    "{city}{district}区",
    "截至{month}月底",
    "第{ordinal}届",
    "约{count}家企业参与",
)
DISTRICTS = _words("东城 西湖 天河 南山 和平 朝阳 海淀 浦东 江北 高新 经开 滨海 雁塔 武侯")

ENGLISH_WORDS = _words(
    "the government said on report market growth company officials city people new year "
    "plan policy data economy industry analysts expect record increase decline percent "
    "investors shares prices energy climate talks agreement minister president election "
    "vote team season match coach players film director audience study researchers "
    "patients hospital health technology software chips artificial intelligence model "
    "launch satellite electric vehicles battery sales demand supply chain trade exports "
    "imports central bank interest rates inflation quarter profit revenue statement week"
)
ENGLISH_PLACES = _words("London Paris Berlin Tokyo Seoul Geneva Nairobi Lima Oslo Cairo Delhi")


def _zipf_cumulative(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative Zipf weights: the first words of a list are the most frequent."""
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


@dataclass(slots=True)
class _Vocabulary:
    words: list[str]
    cumulative: list[float]


def _vocabularies() -> dict[str, _Vocabulary]:
    found = {}
    for category, topic in TOPICS.items():
        rng = random.Random(category)  # a stable, category-specific mix of topic and general
        words = [*topic.split(), *GENERAL]
        rng.shuffle(words)
        # The common word the query benchmark searches is common in every category.
        words.remove(COMMON_WORD)
        words.insert(2, COMMON_WORD)
        found[category] = _Vocabulary(words, _zipf_cumulative(len(words), 0.8))
    return found


class ArticleGenerator:
    """Yields article dicts (the JSON Lines schema), oldest first."""

    def __init__(
        self,
        *,
        seed: int = 20221,
        end: datetime | None = None,
        years: float = 2.0,
        english_share: float = 0.08,
        duplicate_share: float = 0.02,
        undated_share: float = 0.01,
    ) -> None:
        self.rng = random.Random(seed)
        self.end = end or datetime.now(UTC)
        self.span = timedelta(days=365 * years)
        self.english_share = english_share
        self.duplicate_share = duplicate_share
        self.undated_share = undated_share
        self.vocabularies = _vocabularies()
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_cumulative = list(itertools.accumulate(CATEGORY_WEIGHTS.values()))
        # More news in the Chinese daytime: hour-of-day weights (China time).
        self.hour_cumulative = list(
            itertools.accumulate(
                0.3 if h < 6 else 1.0 if h < 8 else 2.0 if h < 22 else 1.0 for h in range(24)
            )
        )
        self.recent: deque[dict[str, str]] = deque(maxlen=64)
        self.number = 0

    # -- times ---------------------------------------------------------------------------

    def publish_times(self, n: int) -> list[datetime]:
        """``n`` publish times over the span, sorted: density grows linearly toward the end
        (a growing site), and follows the hour-of-day weights in China time."""
        times = []
        days = self.span.total_seconds() / 86_400
        start = self.end - self.span
        for _ in range(n):
            day = math.floor(days * math.sqrt(self.rng.random()))  # linear density
            hour = bisect.bisect(self.hour_cumulative, self.rng.random() * 24)
            hour = min(hour, 23)
            second = self.rng.randrange(3600)
            moment = (start + timedelta(days=day)).astimezone(CHINA).replace(
                hour=hour, minute=0, second=0, microsecond=0
            ) + timedelta(seconds=second)
            times.append(min(moment, self.end.astimezone(CHINA)))
        times.sort()
        return times

    # -- text ----------------------------------------------------------------------------

    def _person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))

    def _fill(self, template: str, moment: datetime) -> str:
        rng = self.rng
        return template.format(
            source=rng.choice(SOURCES),
            city=rng.choice(CITIES),
            district=rng.choice(DISTRICTS),
            person=self._person(),
            month=moment.month,
            day=moment.day,
            pct=f"{rng.uniform(0.1, 60):.1f}",
            count=rng.randrange(3, 90_000),
            money=f"{rng.uniform(0.5, 900):.1f}",
            ordinal=rng.randrange(2, 40),
        )

    def _sentence(self, vocabulary: _Vocabulary, moment: datetime) -> str:
        rng = self.rng
        words = rng.choices(
            vocabulary.words, cum_weights=vocabulary.cumulative, k=rng.randrange(6, 13)
        )
        cut = rng.randrange(2, len(words) - 1)
        clause = self._fill(rng.choice(CLAUSES), moment)
        head = "".join(words[:cut])
        tail = "".join(words[cut:])
        return f"{head}，{clause}，{tail}{rng.choice('。。。！')}"

    def _chinese_body(self, category: str, moment: datetime) -> str:
        rng = self.rng
        vocabulary = self.vocabularies[category]
        target = rng.randrange(250, 800)
        paragraphs: list[str] = []
        length = 0
        while length < target:
            opener = self._fill(rng.choice(OPENERS), moment)
            parts = [opener] + [
                self._sentence(vocabulary, moment) for _ in range(rng.randrange(2, 5))
            ]
            paragraph = "".join(parts)
            paragraphs.append(paragraph)
            length += len(paragraph)
        return "\n\n".join(paragraphs)

    def _chinese_title(self, category: str, moment: datetime) -> str:
        rng = self.rng
        vocabulary = self.vocabularies[category]
        words = rng.choices(vocabulary.words, cum_weights=vocabulary.cumulative, k=4)
        place = rng.choice(CITIES)
        figure = self._fill(rng.choice(CLAUSES), moment)
        return f"{place}{words[0]}{words[1]}：{words[2]}{words[3]}{figure}"

    def _english(self, moment: datetime) -> tuple[str, str]:
        rng = self.rng

        def sentence() -> str:
            words = rng.choices(ENGLISH_WORDS, k=rng.randrange(9, 20))
            number = f"{rng.uniform(0.1, 90):.1f} percent"
            text = " ".join([*words[:4], number, "in", rng.choice(ENGLISH_PLACES), *words[4:]])
            return text[0].upper() + text[1:] + "."

        title_words = rng.choices(ENGLISH_WORDS, k=7)
        title = " ".join(title_words).capitalize() + f" in {rng.choice(ENGLISH_PLACES)}"
        paragraphs = [
            " ".join(sentence() for _ in range(rng.randrange(2, 4)))
            for _ in range(rng.randrange(2, 5))
        ]
        paragraphs[0] = f"{moment:%B} {moment.day} - " + paragraphs[0]
        return title, "\n\n".join(paragraphs)

    # -- articles ------------------------------------------------------------------------

    def _copy_of_recent(self, moment: datetime) -> dict[str, str] | None:
        """A re-scraped copy of a recent article: another source, an editor's line."""
        if not self.recent:
            return None
        original = self.rng.choice(self.recent)
        copy = dict(original)
        copy["content"] = original["content"] + f"\n\n（责任编辑：{self.rng.choice(EDITORS)}）"
        copy["source"] = self.rng.choice(SOURCES)
        copy["url"] = f"https://{self.rng.choice(SITES)}/copy/{self.number}.html"
        copy["published_at"] = moment.isoformat()
        return copy

    def article(self, moment: datetime | None) -> dict[str, str]:
        """One article published at ``moment`` (``None``: undated)."""
        rng = self.rng
        self.number += 1
        stamp = moment or self.end.astimezone(CHINA)
        if moment is not None and rng.random() < self.duplicate_share:
            copy = self._copy_of_recent(moment)
            if copy is not None:
                return copy
        category = self.categories[
            bisect.bisect(self.category_cumulative, rng.random() * self.category_cumulative[-1])
        ]
        english = rng.random() < self.english_share and category in ENGLISH_CATEGORIES
        if english:
            title, content = self._english(stamp)
            written_category = ENGLISH_CATEGORIES[category]
        else:
            title = self._chinese_title(category, stamp)
            content = self._chinese_body(category, stamp)
            aliases = CATEGORY_ALIASES.get(category)
            written_category = rng.choice(aliases) if aliases and rng.random() < 0.2 else category
        item = {"title": title, "content": content, "category": written_category}
        if rng.random() < 0.9:
            item["url"] = (
                f"https://{rng.choice(SITES)}/{category_slug(category)}/"
                f"{stamp:%Y%m%d}/{self.number}.html?utm_source=feed"
            )
        item["source"] = rng.choice(SOURCES)
        if moment is not None:
            item["published_at"] = moment.isoformat()
        self.recent.append(item)
        return item

    def articles(self, n: int) -> Iterator[dict[str, str]]:
        for moment in self.publish_times(n):
            dated = self.rng.random() >= self.undated_share
            yield self.article(moment if dated else None)


def category_slug(category: str) -> str:
    return f"c{list(CATEGORY_WEIGHTS).index(category)}"


def write_articles(path: Path, n: int, **options: object) -> Path:
    """Write ``n`` synthetic articles to ``path`` as JSON Lines; returns the path."""
    generator = ArticleGenerator(**options)  # type: ignore[arg-type]
    with path.open("w", encoding="utf-8") as stream:
        for item in generator.articles(n):
            stream.write(json.dumps(item, ensure_ascii=False))
            stream.write("\n")
    return path


def write_parts(directory: Path, n: int, part_size: int, **options: object) -> list[Path]:
    """Write ``n`` articles, oldest first, as JSON Lines files of ``part_size`` articles in
    ``directory``, with ``manifest.json`` (each part's newest publish time, to ingest it
    "then"). Written once: an existing complete manifest is reused."""
    manifest = directory / "manifest.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("n") == n and known.get("part_size") == part_size:
            return [directory / part["file"] for part in known["parts"]]
    directory.mkdir(parents=True, exist_ok=True)
    generator = ArticleGenerator(**options)  # type: ignore[arg-type]
    parts: list[dict[str, object]] = []
    items = generator.articles(n)
    for number in itertools.count():
        chunk = list(itertools.islice(items, part_size))
        if not chunk:
            break
        name = f"part_{number:03d}.jsonl"
        with (directory / name).open("w", encoding="utf-8") as stream:
            stream.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in chunk)
        dated = [item["published_at"] for item in chunk if "published_at" in item]
        newest = max(map(datetime.fromisoformat, dated), default=generator.end)
        parts.append({"file": name, "count": len(chunk), "newest": newest.isoformat()})
    manifest.write_text(
        json.dumps(
            {"n": n, "part_size": part_size, "end": generator.end.isoformat(), "parts": parts}
        ),
        encoding="utf-8",
    )
    return [directory / str(part["file"]) for part in parts]


def part_times(directory: Path) -> list[datetime]:
    """Each part's newest publish time, from the manifest."""
    known = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [datetime.fromisoformat(part["newest"]) for part in known["parts"]]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="how many articles")
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--years", type=float, default=2.0, help="publish-time span")
    parser.add_argument("--duplicate-share", type=float, default=0.02)
    args = parser.parse_args(argv)
    options = {"seed": args.seed, "years": args.years, "duplicate_share": args.duplicate_share}
    if args.out is not None:
        write_articles(args.out, args.n, **options)
        return
    generator = ArticleGenerator(**options)  # type: ignore[arg-type]
    for item in generator.articles(args.n):
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
