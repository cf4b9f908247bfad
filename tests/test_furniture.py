"""Page furniture is told from article text by kind, whatever the site."""

from __future__ import annotations

import pytest

from digest.furniture import is_furniture

VIDEO_JS = (
    "Video Player is loading.Play VideoPlayMuteCurrent Time 0:00/Duration 0:00Loaded: 0%"
    "Stream Type LIVESeek to live, currently behind liveLIVERemaining Time -0:00 1xPlayback Rate"
    "ChaptersChaptersDescriptionsdescriptions off, selectedCaptionscaptions settings, opens"
    " captions settings dialogcaptions off, selectedAudio TrackPicture-in-PictureFullscreen"
    "This is a modal window."
)


@pytest.mark.parametrize(
    "paragraph",
    [
        # share widgets, font and print tools
        "点击右上角 微信好友",
        "点击右上角微信好友朋友圈请使用浏览器分享功能进行分享",
        "请使用浏览器分享功能进行分享",
        "分享到：微信 微博 QQ空间 复制链接",
        "分享让更多人看到",
        "扫一扫在手机打开当前页",
        "字号：默认 大 超大 | 打印 | 【纠错】",
        # video players
        VIDEO_JS,
        "Play Video",
        "Video PlayerClose",
        "视频加载中... 播放 00:00 / 02:31 全屏 倍速",
        "您的浏览器不支持 video 标签。",
        # app prompts
        "打开凤凰新闻客户端，查看更多高清图片",
        "打开网易新闻 查看精彩图片",
        "海量资讯、精准解读，尽在新浪财经APP",
        # editor lines and production credits
        "（责任编辑：王晓华）",
        "(责编：张三、李四)",
        "[责任编辑:张三]",
        "责任编辑：张海_NBJ11279",
        "【我要纠错】 责任编辑：王洋",
        "编辑 陈静 校对 王心",
        "界面新闻编辑 | 王姝",
        "本文来源：新华社 作者：李明",
        "（原标题：国务院常务会议部署推动大规模设备更新）",
        "(完)",
        "图片编辑：金潇",
        "关键字：CPI 居民消费价格",
        # statements
        "特别声明：以上文章内容仅代表作者本人观点，不代表凤凰网观点或立场。",
        "本文为澎湃号作者或机构在澎湃新闻上传并发布，仅代表该作者或机构观点。",
        "未经正式授权严禁转载本文，侵权必究。",
        "澎湃新闻报料：021-962866",
        "中国经济网版权所有 互联网新闻信息服务许可证(10120170008)",
        "此内容为第一财经原创，著作权归第一财经所有。未经第一财经书面授权，不得以任何方式加以使用，"
        "包括转载、摘编、复制或建立镜像。如需获得授权请联系第一财经版权部：banquan@yicai.com",
        "21世纪经济报道及其客户端所刊载内容的知识产权均属广东二十一世纪环球经济报社所有。"
        "未经书面授权，任何人不得以任何方式使用。",
        "本文来自微信公众号：新消费观察（ID：xinxiaofeigc），作者：唐亚华",
        "本内容为作者独立观点，不代表虎嗅立场。未经允许不得转载，授权事宜请联系hezuo@huxiu.com",
        "如对本稿件有异议或投诉，请联系tougao@huxiu.com",
        "（本文首发于钛媒体App，作者｜林志佳，编辑｜胡润峰）",
        "本文系作者林志佳授权钛媒体发表，并经钛媒体编辑，转载请注明出处、作者和本文链接",
        "风险提示及免责条款",
        "中证网声明：凡本网注明“来源：中国证券报·中证网”的所有作品，版权均属于中国证券报、中证网。",
        "广告声明：文内含有的对外跳转链接，用于传递更多信息，IT之家所有文章均包含本声明。",
        "更多精彩资讯请在应用市场下载“极目新闻”客户端，未经授权请勿转载。24小时报料热线027-86777777。",
        "市场有风险，投资需谨慎。本文不构成个人投资建议，据此投资，责任自负。",
        # notes on the article: its length and reading time, the issue it was printed in
        "全文共3126字，阅读大约需要7分钟",
        "本文约2000字，预计阅读5分钟",
        "发于2024.5.27总第1143期《中国新闻周刊》杂志",
        # headings of comment boxes and related lists
        "评论（152）",
        "说两句吧...",
        "相关新闻",
        "为您推荐",
        "+ 加载更多新闻",
        "跟贴排行",
        "导读",
        "根据《网络安全法》实名制要求，请绑定手机号后发表评论",
        # breadcrumb trails
        "您所在的位置：首页 > 快讯 > 公司",
        "首页 > 科技湃",
        "网易首页 > 新闻中心 > 正文",
        # the publish-time line under a headline
        "· 2024/05/20 10:12",
        "2024-05-20 18:22 来源：观察者网",
        "来源：证券时报网作者：曹晨2024-05-20 20:06",
        "每日经济新闻 2024-05-20 21:10:33",
    ],
)
def test_furniture_of_every_kind_is_furniture(paragraph: str) -> None:
    assert is_furniture(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "9日，海关总署发布数据显示，今年前4个月，我国货物贸易进出口总值13.81万亿元，同比增长5.7%。",
        "新华社北京5月9日电 题：前4个月我国货物贸易进出口同比增长5.7%",
        "新华社记者魏晓宁、陈嘉禾、丁远",  # a byline is the article's
        "新京报记者 邓琪 编辑 刘倩 校对 赵琳",  # names a reporter: a byline
        "压紧压实防汛责任 确保安全度汛",
        "李强 蔡奇出席",
        "微信支付日活跃用户突破10亿，带动线下消费增长。",
        "他打开手机上的新闻客户端，看到了这条消息。",
        "5月20日，A股三大指数集体收涨，沪指涨0.54%。",
        "据新华社报道，5月20日，世界最大跨度铁路悬索桥主缆架设全部完成。",
        "2024年5月20日，国务院召开常务会议，部署推动大规模设备更新。",
        "全文共分为五个部分，阅读量超过10万次，读者平均停留3分钟。",
        "该报告认为，市场有风险，投资需谨慎，监管部门将加强投资者教育。",
        "此前，该公司的著作权纠纷一审宣判，法院判决被告赔偿50万元。",
        "他说，如对本次调整有异议，可在10日内向主管部门申请复核。",
        "外交部发言人声明：中方坚决反对有关国家的错误做法。",
        "法院审理认为，被告未经授权使用原告作品，构成侵权。",
        "更多用户选择下载国产应用，带动了应用商店的收入增长。",
        "Play is the work of childhood, the report says.",
        "The video, posted on Monday, shows the collapse.",
    ],
)
def test_article_text_is_not_furniture(paragraph: str) -> None:
    assert not is_furniture(paragraph)
