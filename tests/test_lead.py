"""A summary starts at the first news sentence: what Chinese pages put before it (headline
blocks, bylines, datelines, furniture) is not news, whatever the site."""

from __future__ import annotations

import pytest

from digest.summary import summarise_lead

NEWS = "5月20日，国家防汛抗旱总指挥部召开全国防汛工作视频会议，部署防汛重点工作。"


@pytest.mark.parametrize(
    ("paragraph", "summary"),
    [
        ("北京商报讯（记者 宋亦桐 刘畅）" + NEWS, NEWS),
        ("新京报贝壳财经讯（记者 张晓翀）" + NEWS, NEWS),
        ("南都讯 记者黄明 通讯员李晓 " + NEWS, NEWS),
        ("南都讯 记者 郑涛 实习生吴萌 " + NEWS, NEWS),
        ("南都讯 记者张三 发自北京 " + NEWS, NEWS),
        ("【环球时报驻美国特约记者 冯亚仁 环球时报驻德国特约记者 青木】" + NEWS, NEWS),
        ("【环球时报综合报道】" + NEWS, NEWS),
        ("【环球网报道 记者 李萌】" + NEWS, NEWS),
        ("【文/观察者网 王恺雯】" + NEWS, NEWS),
        ("证券时报e公司讯，" + NEWS, NEWS),
        ("网易科技讯 5月22日消息，工业和信息化部发布数据。", "工业和信息化部发布数据。"),
        (
            "凤凰网科技讯 北京时间5月21日，市场机构发布报告。",
            "北京时间5月21日，市场机构发布报告。",
        ),
        ("财联社5月20日电，国家能源局发布数据。", "国家能源局发布数据。"),
        ("新华社北京5月9日电 " + NEWS, NEWS),
        ("本站讯（职工通讯员李琴雯 刘会）" + NEWS, NEWS),
        ("华龙网-新重庆客户端讯 " + NEWS, NEWS),
        ("新浪科技讯 北京时间9月11日凌晨消息，苹果发布新手机。", "苹果发布新手机。"),
        (
            "央广网北京5月21日消息（记者张棉棉）据中国之声报道，活动周启动。",
            "据中国之声报道，活动周启动。",
        ),
        # Any outlet's name before "M月D日消息", or before a reporter and a place "…报道".
        ("钛媒体App 5月31日消息，小米汽车公布交付量。", "小米汽车公布交付量。"),
        ("IT之家5月31日消息，小米汽车公布交付量。", "小米汽车公布交付量。"),
        ("IT之家 5 月 17 日消息，国家统计局今日发布数据。", "国家统计局今日发布数据。"),
        (
            "参考消息网5月24日报道 据英国《金融时报》网站报道，运价上涨。",
            "据英国《金融时报》网站报道，运价上涨。",
        ),
        ("经济观察网 记者 李紫宸 光伏组件价格仍在下探。", "光伏组件价格仍在下探。"),
        ("羊城晚报讯 记者孙晶、通讯员穗工宣报道：" + NEWS, NEWS),
        ("南方财经全媒体记者王帆 深圳报道\u3000" + NEWS, NEWS),
        ("21世纪经济报道记者 周潇枭 刘旭 北京报道 " + NEWS, NEWS),
        # A bracketed outlet's name alone: "【财新网】", then the reporter.
        ("【财新网】（记者 王紫璇）" + NEWS, NEWS),
        ("【财新网】" + NEWS, NEWS),
    ],
)
def test_dateline_joined_to_the_news_goes_and_the_news_stays(paragraph: str, summary: str) -> None:
    assert summarise_lead([paragraph]) == summary


@pytest.mark.parametrize(
    "byline",
    [
        "新华社记者魏晓宁、陈嘉禾、丁远",
        "新华社记者 桂娟 史林静",
        "总台央视记者 王凯 陈思远",
        "澎湃新闻记者 张静 实习生 陈芷若",
        "界面新闻记者 | 林静",
        "界面新闻记者 | 李彪 界面新闻编辑 | 文姝琪",
        "《财经》新媒体 记者 王玉凤",
        "作者 应妮 高凯",
        "作者｜沈涛 编辑｜郑可",
        "每经记者：张明双 每经编辑：赵云",
        "本报记者 王昊男 周欢",
        "采写：南都记者 黄明 通讯员 李晓",
        "执笔/叨叨姐、胡一刀",
        "【编前语】本期推出系列报道，敬请关注。",
        "新华社北京5月9日电 题：前4个月我国货物贸易进出口同比增长5.7%",
        # An outlet's name with digits or a bar before it, a bullet in front of it.
        "21世纪经济报道记者 周潇枭 北京报道",
        "北京日报客户端 | 记者 曹政",
        "□ 本报记者 张晨",
        "□ 本报通讯员 李文 王瑶",
    ],
)
def test_bylines_and_ti_lines_are_not_the_lead(byline: str) -> None:
    assert summarise_lead([byline, NEWS]) == NEWS


@pytest.mark.parametrize(
    "furniture",
    [
        "点击右上角 微信好友",
        "朋友圈",
        "请使用浏览器分享功能进行分享",
        "Video Player is loading.Play VideoPlayMuteCurrent Time 0:00/Duration 0:00",
        "打开凤凰新闻客户端，查看更多高清图片",
        "2024-05-20 18:22 来源：观察者网",
    ],
)
def test_furniture_before_the_news_is_not_the_lead(furniture: str) -> None:
    assert summarise_lead([furniture, NEWS]) == NEWS


def test_headline_block_with_kicker_title_and_names_line_is_not_the_lead() -> None:
    paragraphs = [
        "国家防总召开全国防汛工作视频会议强调",
        "压紧压实防汛责任 确保安全度汛",
        "王立新 赵雪峰出席",
        "新华社北京5月20日电（记者刘洋、孙楠）" + NEWS,
    ]
    assert summarise_lead(paragraphs, title="压紧压实防汛责任 确保安全度汛") == NEWS


def test_a_line_paraphrasing_the_title_is_not_the_lead() -> None:
    paragraphs = ["全国夏粮小麦收获进度过三成", "截至5月18日，全国已收获冬小麦1.1亿亩。"]
    assert summarise_lead(paragraphs, title="今年夏粮小麦收获进度过三成") == paragraphs[1]


def test_a_heading_repeating_the_first_sentence_is_not_the_lead() -> None:
    paragraphs = [
        "2024年4月份居民消费价格同比上涨0.3%",
        "2024年4月份，全国居民消费价格同比上涨0.3%。其中，城市上涨0.3%。",
    ]
    summary = summarise_lead(paragraphs, title="4月份CPI同比上涨0.3% 食品价格下降2.7%")
    assert summary == paragraphs[1]


def test_a_subtitle_and_a_names_line_are_a_headline_block_whatever_the_title() -> None:
    assert summarise_lead(["——记一位高铁检修工匠", NEWS], title="钢铁医生") == NEWS
    assert summarise_lead(["李强 蔡奇出席", NEWS], title="座谈会召开") == NEWS


def test_a_short_unpunctuated_lead_unlike_the_title_is_news() -> None:
    paragraphs = ["暴雨中的一夜", NEWS]
    assert summarise_lead(paragraphs, title="防汛工作会议召开") == "暴雨中的一夜。" + NEWS


def test_news_that_mentions_reporters_or_sharing_is_kept() -> None:
    reported = "据中国日报报道，记者从海关总署获悉，5月31日消息称外贸回升。"
    assert summarise_lead([reported]) == reported
    attributed = "据新华社5月24日报道，全国夏粮收购进度过半。"
    assert summarise_lead([attributed]) == attributed
    paragraphs = [
        "记者从国家邮政局获悉，今年前4个月，全国快递业务量累计完成517.6亿件。",
        "微信好友之间的转账功能将于下月升级，朋友圈也将新增分享选项。",
    ]
    assert summarise_lead(paragraphs) == "".join(paragraphs)


def test_the_title_with_a_badge_is_not_the_lead() -> None:
    title = "最不愁吃肉的国家：顿顿有肉吃"
    assert summarise_lead(["原创" + title, NEWS], title=title) == NEWS
    assert summarise_lead([title + " - 天天要闻", NEWS], title=title) == NEWS
