"""Page furniture: text that news sites put around an article and extractors let through.

Each pattern matches a whole paragraph of one kind of furniture, never words inside news:
share widgets (``分享到 微信 朋友圈``, ``点击右上角 … 请使用浏览器分享功能进行分享``), video
player controls (video.js's ``Play Video Current Time 0:00 …``, ``视频加载中 播放 全屏``), app
prompts (``打开凤凰新闻客户端，查看更多高清图片``), editor and production credits
(``责任编辑：…``, ``(责编：…)``, ``编辑 张三 校对 李四``), platform statements (``特别声明：…``,
``未经授权不得转载``, ``著作权归…所有``, ``风险提示及免责条款``), notes on the article
(``全文共3126字，阅读大约需要7分钟``, ``发于…期《中国新闻周刊》杂志``), comment and related-list
headings, and a bare publish time. News paragraphs run on with commas and full stops and
fail every one of them at once.
"""

from __future__ import annotations

import re

# Words of share widgets, font and print tools; a paragraph made of nothing else.
_SHARE = re.compile(
    r"""(?:
      请使用浏览器(?:的)?分享功能(?:进行)?分享 | 分享让更多人看到 | 点击右上角
    | 用微信扫描二维码 | 分享(?:到|至)?(?:微信)?(?:朋友圈|好友)? | 一键分享 | 微信好友
    | 微信朋友圈 | 朋友圈 | 微信 | 微博 | 新浪微博 | 腾讯微博 | QQ(?:好友|空间)? | Qzone
    | 复制链接 | 链接已复制 | 生成海报 | 海报 | 二维码 | 扫一扫 | 扫码 | 扫描到手机
    | 手机看新闻? | 在?手机(?:上)?打开(?:当前页|本页|本文)? | 收藏 | 举报 | 点赞 | 打印 | 关闭窗口
    | 返回顶部 | 【?(?:我要)?纠错】?
    | 字[号体] | 默认 | 超大 | [大中小] | 推荐给好友
    | [\s:：,，。、|｜/·•>＞+-]
    )+""",
    re.VERBOSE,
)
# Text of web video players: video.js's control bar and dialogs, Xinhua's and Chinese ones.
# fmt: off
_PLAYER_WORDS = (
    "Video Player is loading.", "Video PlayerClose", "Video Player", "Play Video", "Play",
    "Pause", "Replay", "Mute", "Unmute", "Current Time", "Duration", "Remaining Time", "Loaded",
    "Progress", "Stream Type", "LIVE", "Seek to live, currently behind live",
    "Seek to live, currently playing live", "Playback Rate", "Chapters", "Descriptions",
    "descriptions off, selected", "Captions", "captions settings, opens captions settings dialog",
    "captions off, selected", "Subtitles", "subtitles off, selected",
    "subtitles settings, opens subtitles settings dialog", "Audio Track", "default, selected",
    "Picture-in-Picture", "Fullscreen", "Exit Fullscreen", "Non-Fullscreen",
    "This is a modal window.", "End of dialog window.", "Close Modal Dialog", "Close",
    "No compatible source was found for this media.", "视频加载中", "加载中", "播放", "暂停",
    "重播", "全屏", "退出全屏", "倍速", "清晰度", "高清", "标清", "超清", "静音", "音量", "画中画",
    "视频", "您的浏览器不支持video标签", "您的浏览器不支持 video 标签", "您的浏览器不支持视频播放",
)
# fmt: on
_PLAYER = re.compile(
    "(?:"
    + "|".join(map(re.escape, sorted(_PLAYER_WORDS, key=len, reverse=True)))
    + r"|Beginning of dialog window\.[^.]*\.|\d(?:\.\d+)?x|-?\d{1,2}:\d{2}(?::\d{2})?"
    + r"|\d{1,3}%|[\s:/,.。…\-|])+"
)
# "打开凤凰新闻客户端，查看更多高清图片", "打开APP阅读全文", "扫码下载南都APP".
_APP_PROMPT = re.compile(
    r"(?:打开|下载|前往|扫码下载|点击下载)[^。！？]{0,10}?(?:客户端|APP|App|app|新闻)"
    r"(?:[，,\s]*(?:查看|阅读|观看|看|获取|体验|参与)[^。！？]{0,14})?[。！]?"
    r"|(?:点击|轻触)(?:查看|阅读)(?:大图|原文|全文|更多)[^。！？]{0,8}"
    r"|[^。！？]{0,16}尽在[^。！？]{0,10}(?:客户端|APP|App|app)"
)
# Editor lines and web credits: "责任编辑：王晓华", "(责编：张三、李四)", "[责任编辑:张三]",
# "本文来源：新华社 作者：…", "原标题：…", "（完）".
_CREDIT_LINE = re.compile(
    r"(?:【?(?:我要)?纠错】?\s*)?[（(【\[]?\s*"
    r"(?:责任编辑|責任編輯|责编|編輯|(?:图片|文字|视频|美术|值班)?编辑|(?:本文)?原标题|原標題"
    r"|来源|來源|本文来源|文章来源|校对|审核|监制|作者|关键[字词]|标签)\s*[：:].*"
    r"|[（(【\[]?(?:完|纠错|糾錯|END)[）)】\]]?"
    r"|(?:Additional )?(?:Reporting|Writing|Editing) by .*",
    re.IGNORECASE,
)
# Production credits without a colon, naming no reporter: "编辑 陈静 校对 王心",
# "界面新闻编辑 | 王姝". A line naming a reporter is the article's byline and stays.
# Editors may follow the outlet's name; rarer roles stand alone.
_PRODUCTION_ROLE = (
    r"[\u4e00-\u9fff《》]{0,8}?(?:编辑|责编|校对)|审核|审校|监制|统筹|终审|复审|美编|制图"
)
_PRODUCTION_CREDITS = re.compile(
    rf"(?:(?:{_PRODUCTION_ROLE})\s*[|｜丨/:：]?\s*"
    r"[\u4e00-\u9fff·]{2,5}(?:[\s、，,]+[\u4e00-\u9fff·]{2,5})*\s*)+"
)
_STATEMENT = re.compile(
    r"[【\[]?(?:特别|免责|版权|平台|广告|本网|本站|[^。！？：:]{1,6}网)?声明[】\]]?(?:[：:]?.*)?"
    r"|本文为.{0,20}?(?:号|作者|用户).{0,12}?(?:上传并)?发布.*"
    r"|[^。！？]{0,16}未经(?:正式|书面)?(?:授权|允许|许可)[，,]?[^。！？]{0,8}?(?:不得|严禁|禁止|请勿|谢绝)"
    r"[^。！？]{0,8}(?:转载|使用|复制).{0,16}"
    r"|[^。！？]{0,30}(?:著作权|知识产权|版权)均?(?:归|属于?)[^。！？]{0,30}所有.*|[^。！？]{0,16}不代表[^。！？]{0,12}(?:立场|观点).*"
    r"|[^。！？]{0,40}转载请注明.{0,40}|本文系.{0,30}授权.{0,60}"
    r"|[（(]?本文(?:来自|转自|转载自|首发于)[^。！？]{0,100}[）)。]?"
    r"|[^。！？]{0,8}(?:有异议|投诉)[^。！？]{0,20}请?联系.{0,40}"
    r"|更多[^。！？]{0,20}下载[^。！？]{0,12}(?:客户端|APP|App).*"
    r"|(?:风险提示及)?免责条款|风险提示|市场有风险[，,]\s*投资需谨慎.*"
    r"|[^。！？]{0,10}报料[：:][^。！？]*"
    r"|[^。！？]{0,20}版权所有.{0,40}|(?:Copyright|©|&copy;).{0,80}"
)
# Headings of comment boxes and related lists, "说两句吧…".
_SECTION_HEADING = re.compile(
    r"(?:网友|热门|最新)?(?:评论|跟贴)(?:\s*[（(]?\d*[）)]?)|相关(?:新闻|阅读|推荐|文章|报道)"
    r"|推荐阅读|延伸阅读|大家都在看|热门推荐|为您推荐|说两句吧?[.。…]*|导读|摘要|内容提要"
    r"|[^。！？]{0,30}(?:后|才能|方可)(?:发表|参与)评论"
    r"|(?:\+\s*)?(?:加载|查看|展开)(?:更多|全部)(?:新闻|内容|评论)?|(?:点击|跟贴|热门|热点)?排行榜?"
)
# Notes on the article rather than in it: its length and reading time ("全文共3126字，阅读
# 大约需要7分钟"), the magazine issue it was printed in ("发于2024.5.27总第1143期《中国新闻周刊》
# 杂志").
_ARTICLE_NOTE = re.compile(
    r"(?:(?:全文|本文)(?:共|约|共计)?\s*[\d,]+\s*字[，,、\s|｜]*)?(?:预计)?(?:阅读|读完)(?:全文|本文)?"
    r"(?:时间)?(?:大约|大概|约|预计)?(?:需要?|用时)?(?:大约|约)?\s*\d+\s*分钟[。.]?"
    r"|(?:全文|本文)(?:共|约|共计)?\s*[\d,]+\s*字[。.]?"
    r"|(?:本文)?(?:发于|刊于|原载于?|载于|原刊于)\s*\d{4}\s*[.\-/年]\s*\d{1,2}\s*[.\-/月]\s*\d{1,2}\s*日?"
    r"\s*(?:出版的)?\s*(?:总第\s*\d+\s*期)?\s*《[^》]{1,16}》(?:杂志|周刊|报)?.{0,12}"
)
# A breadcrumb trail: "您所在的位置：首页 > 快讯 > 公司", "首页 > 科技湃".
_BREADCRUMB = re.compile(
    r"(?:您(?:现在)?的?(?:当前)?所?在的?位置|当前位置|您的位置)[：:].{0,100}"
    r"|[^\s>＞›»]{0,6}首页\s*[>＞›»/].{0,100}"
)
# The line under a headline, a publish time with the source or author, that slipped into
# the text: "· 2024/05/20 10:12", "2024-05-20 18:22 来源：观察者网", "每日经济新闻 2024-05-20".
_PUBLISH_TIME = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_META_FIELD = re.compile(r"来源|來源|作者|编辑|責任編輯|责编|稿源|出处|发布|浏览|阅读")
_SENTENCE_MARK = re.compile(r"[，。！？；,;!?]")
_META_LINE = 80  # characters
_BARE_SOURCE = 8  # characters of a name next to the time, with no "来源："
_SHORT = 60  # characters: most furniture is a short line; longer paragraphs are
_LONG = 600  # only checked for credits, player text (video.js runs long) and statements
_SHORT_KINDS = re.compile(
    "|".join(
        f"(?:{kind.pattern})"
        for kind in (
            _SHARE,
            _APP_PROMPT,
            _PRODUCTION_CREDITS,
            _SECTION_HEADING,
            _BREADCRUMB,
            _ARTICLE_NOTE,
        )
    ),
    re.VERBOSE,
)
# What a longer furniture paragraph can start with: news paragraphs almost never do, and the
# test costs far less than the patterns (the summary of every ingested article runs it).
_CREDIT_STARTS = frozenset("（(【[责責编編原来來本文校审监作完纠我图视美值关标EARWarw")
# What player text starts with: its first control, a time ("0:00", "00:00 / 02:31").
_PLAYER_STARTS = frozenset("VPCDLMSURT视播加全您")
_STATEMENT_STARTS = frozenset("特免版声平本【[C©&（(风市此如更广")
# Words near the start of a statement that starts with anything: "此内容为第一财经原创，著作权
# 归…", "本内容为作者独立观点，不代表…", "本文系作者…授权…转载请注明…".
_STATEMENT_WORDS = re.compile("未经|报料|版权|著作权|知识产权|不代表|转载请注明|声明")


def is_furniture(paragraph: str) -> bool:
    """Whether a whitespace-collapsed paragraph is page furniture rather than article text."""
    size = len(paragraph)
    if not 0 < size <= _LONG:
        return False
    if size <= _SHORT and _SHORT_KINDS.fullmatch(paragraph):
        return True
    if size <= _META_LINE and _is_meta_line(paragraph):
        return True
    first = paragraph[0]
    return bool(
        (first in _CREDIT_STARTS and size <= 120 and _CREDIT_LINE.fullmatch(paragraph))
        or (
            (first in _PLAYER_STARTS or (first.isdigit() and ":" in paragraph[1:3]))
            and _PLAYER.fullmatch(paragraph)
        )
        or (
            (first in _STATEMENT_STARTS or _STATEMENT_WORDS.search(paragraph, 0, 40))
            and _STATEMENT.fullmatch(paragraph)
        )
    )


def _is_meta_line(paragraph: str) -> bool:
    """A publish time with at most a source, an author, a view count: no sentence."""
    if _SENTENCE_MARK.search(paragraph) or not _PUBLISH_TIME.search(paragraph):
        return False
    rest = _PUBLISH_TIME.sub("", paragraph).strip(" ·|｜")
    return not rest or len(rest) <= _BARE_SOURCE or _META_FIELD.search(rest) is not None
