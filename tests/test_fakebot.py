"""The fake Bot API answers like Telegram: raw HTTP first, then the real python-telegram-bot."""

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebot import (
    DEFAULT_SUPERGROUP_ID,
    DEFAULT_USER_ID,
    FakeBotApi,
    RateLimits,
    parse_html,
)
from tests.fakebot.limits import SendLimiter

CHAT = 4242


class FakeClock:
    """Simulated time for the rate limiter: tests move it, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(fake_clock: FakeClock) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(clock=fake_clock) as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


async def call(
    client: httpx.AsyncClient, api: FakeBotApi, method: str, **params: Any
) -> httpx.Response:
    """POST like python-telegram-bot does: form fields, nested objects as JSON text."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await client.post(f"{api.base_url}{api.token}/{method}", data=data)


async def send_html(client: httpx.AsyncClient, api: FakeBotApi, text: str) -> httpx.Response:
    return await call(client, api, "sendMessage", chat_id=CHAT, text=text, parse_mode="HTML")


# -- protocol --------------------------------------------------------------------------------


async def test_get_me_answers_the_bot_user(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await call(client, api, "getMe")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["username"] == "newsdigest_test_bot"
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True


async def test_unknown_method_answers_404(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await call(client, api, "sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_wrong_token_answers_401(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await client.post(f"{api.base_url}654321:WRONG/getMe")
    assert response.status_code == 401
    assert response.json()["description"] == "Unauthorized"


async def test_method_names_are_case_insensitive(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    response = await call(client, api, "GETME")
    assert response.json()["ok"] is True


async def test_json_bodies_are_accepted(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{api.base_url}{api.token}/sendMessage",
        json={"chat_id": CHAT, "text": "<b>粗体</b>", "parse_mode": "HTML"},
    )
    assert response.json()["result"]["text"] == "粗体"
    assert api.messages(CHAT)[0].plain_text == "粗体"


async def test_chat_id_is_required(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await call(client, api, "sendMessage", text="hi")
    assert response.status_code == 400


# -- HTML parse mode -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<b>粗 <i>斜 <u>线</u></i></b>", "粗 斜 线"),
        ("Tom &amp; Jerry &lt;3 &quot;hi&quot; &#20013;&#x6587;", 'Tom & Jerry <3 "hi" 中文'),
        ('<a href="https://example.com/?a=1&amp;b=2">链接</a>', "链接"),
        ('<pre><code class="language-python">print(1 &lt; 2)</code></pre>', "print(1 < 2)"),
        ('<span class="tg-spoiler">剧透</span> <tg-spoiler>也是</tg-spoiler>', "剧透 也是"),
        ("<blockquote expandable>引用</blockquote>", "引用"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<B>upper-case tags</B>", "upper-case tags"),
        ("  \n<b>trimmed</b>\n ", "trimmed"),
    ],
)
async def test_valid_html_is_accepted(
    api: FakeBotApi, client: httpx.AsyncClient, html: str, plain: str
) -> None:
    response = await send_html(client, api, html)
    assert response.status_code == 200, response.json()
    [sent] = api.messages(CHAT)
    assert sent.text == html
    assert sent.plain_text == plain
    assert sent.parse_mode == "HTML"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>crossed</b></i>", "Unmatched end tag"),
        ("stray</b>", "Unexpected end tag"),
        ("&foo; is not an entity", 'Unsupported HTML entity "&foo;"'),
        ("AT&T", "Unsupported HTML entity"),
        ("1 < 2", "Unsupported start tag"),
        ("<br>", 'Unsupported start tag "br"'),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag"),
    ],
)
async def test_invalid_html_is_refused(
    api: FakeBotApi, client: httpx.AsyncClient, html: str, reason: str
) -> None:
    response = await send_html(client, api, html)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    assert reason in body["description"]
    assert api.messages(CHAT) == []


def test_parse_html_reports_utf16_entity_offsets() -> None:
    parsed = parse_html("😀 <b>新闻</b>")
    assert parsed.text == "😀 新闻"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 2}]


async def test_text_that_is_only_markup_is_empty(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    response = await send_html(client, api, "<b> </b>")
    assert response.json()["description"] == "Bad Request: message text is empty"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("新" * 4096, True),
        ("新" * 4097, False),
        ("<b>" + "新" * 4096 + "</b>", True),  # tags do not count
        ("&amp;" * 4096, True),  # an entity counts as the one character it stands for
        ("😀" * 2048, True),  # 4096 UTF-16 code units
        ("😀" * 2049, False),  # 4098 UTF-16 code units, though only 2049 characters
    ],
)
async def test_length_is_counted_in_utf16_after_parsing(
    api: FakeBotApi, client: httpx.AsyncClient, text: str, accepted: bool
) -> None:
    response = await send_html(client, api, text)
    if accepted:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.json()["description"] == "Bad Request: message is too long"


# -- reply markup ----------------------------------------------------------------------------


def keyboard(*buttons: dict[str, str]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        (keyboard({"text": "ok", "callback_data": "x" * 64}), None),
        (keyboard({"text": "链接", "url": "https://example.com"}), None),
        (keyboard({"text": "too long", "callback_data": "x" * 65}), "BUTTON_DATA_INVALID"),
        # 22 Chinese characters are 66 bytes: the limit is in bytes.
        (keyboard({"text": "中文", "callback_data": "类" * 22}), "BUTTON_DATA_INVALID"),
        (keyboard({"text": "no action"}), "Text buttons are unallowed"),
        (keyboard({"callback_data": "no text"}), 'Field "text" must be of type String'),
    ],
)
async def test_inline_keyboards_are_validated(
    api: FakeBotApi, client: httpx.AsyncClient, markup: dict[str, Any], error: str | None
) -> None:
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x", reply_markup=markup)
    if error is None:
        assert response.status_code == 200
        assert api.messages(CHAT)[0].reply_markup == markup
    else:
        assert response.status_code == 400
        assert error in response.json()["description"]


# -- faults ----------------------------------------------------------------------------------


async def test_fail_next_answers_the_error_then_serves_again(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    api.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
        assert response.status_code == 500
        assert response.json()["description"] == "Internal Server Error"
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
    assert response.status_code == 200
    assert len(api.messages(CHAT)) == 1


async def test_fail_next_with_retry_after_sends_parameters(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7, chat_id=CHAT)
    other = await call(client, api, "sendMessage", chat_id=CHAT + 1, text="x")
    assert other.status_code == 200
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


async def test_blocked_chat_answers_403_until_unblocked(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    api.block_chat(CHAT)
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
    assert response.status_code == 403
    assert response.json()["description"] == "Forbidden: bot was blocked by the user"
    assert api.messages(CHAT) == []
    api.unblock_chat(CHAT)
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
    assert response.status_code == 200


async def test_kicked_from_group_answers_403(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    api.block_chat(DEFAULT_SUPERGROUP_ID)
    response = await call(client, api, "sendMessage", chat_id=DEFAULT_SUPERGROUP_ID, text="x")
    assert response.json()["description"] == "Forbidden: bot was kicked from the group chat"


async def test_chat_not_found(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    api.set_chat_not_found(CHAT)
    response = await call(client, api, "sendMessage", chat_id=CHAT, text="x")
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: chat not found"


# -- rate limits -----------------------------------------------------------------------------


async def test_global_limit_refuses_the_31st_send_in_a_second(
    api: FakeBotApi, client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    api.set_limits(global_per_second=30, per_chat_per_second=None, per_group_per_minute=None)
    for chat_id in range(1, 31):
        response = await call(client, api, "sendMessage", chat_id=chat_id, text="x")
        assert response.status_code == 200
        fake_clock.advance(0.01)
    response = await call(client, api, "sendMessage", chat_id=99, text="x")
    assert response.status_code == 429
    assert response.json()["parameters"] == {"retry_after": 1}
    assert response.json()["description"] == "Too Many Requests: retry after 1"
    assert len(api.messages()) == 30
    assert (api.stats.accepted, api.stats.rejected_429) == (30, 1)
    # A strict window: one second after the first send, one more fits, not two.
    fake_clock.advance(1.0 - 0.3 + 0.001)
    assert (await call(client, api, "sendMessage", chat_id=99, text="x")).status_code == 200
    assert (await call(client, api, "sendMessage", chat_id=98, text="x")).status_code == 429


async def test_per_chat_and_per_group_limits(
    api: FakeBotApi, client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    api.set_limits()
    assert (await call(client, api, "sendMessage", chat_id=CHAT, text="1")).status_code == 200
    assert (await call(client, api, "sendMessage", chat_id=CHAT, text="2")).status_code == 429
    group = DEFAULT_SUPERGROUP_ID
    for _ in range(20):
        fake_clock.advance(1.0)
        assert (await call(client, api, "sendMessage", chat_id=group, text="x")).status_code == 200
    fake_clock.advance(1.0)
    response = await call(client, api, "sendMessage", chat_id=group, text="x")
    assert response.status_code == 429
    assert response.json()["parameters"]["retry_after"] == 40  # the first send leaves at 60 s


# -- updates and long polling ----------------------------------------------------------------


async def test_get_updates_confirms_with_offset(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    first = api.send_text("/latest@newsdigest_test_bot 3", chat_type="supergroup")
    api.send_text("你好")
    updates = (await call(client, api, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in updates] == [first["update_id"], first["update_id"] + 1]
    entity = updates[0]["message"]["entities"][0]
    assert entity == {"type": "bot_command", "offset": 0, "length": 27}
    assert "entities" not in updates[1]["message"]
    later = await call(client, api, "getUpdates", offset=updates[1]["update_id"] + 1)
    assert later.json()["result"] == []
    assert api.pending_updates == []


async def test_long_poll_wakes_when_an_update_arrives(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(call(client, api, "getUpdates", timeout=30))
    await asyncio.sleep(0.05)  # let the poll reach the server and start waiting
    assert not poll.done()
    api.send_text("/ping")
    updates = (await poll).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["/ping"]
    assert loop.time() - started < 5


async def test_long_poll_times_out_empty(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    response = await call(client, api, "getUpdates", timeout=0.2)
    assert response.json() == {"ok": True, "result": []}


async def test_a_second_poller_ends_the_first_with_409(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(call(client, api, "getUpdates", timeout=30))
    await asyncio.sleep(0.05)
    second = await call(client, api, "getUpdates", timeout=0)
    assert second.status_code == 200
    response = await first
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: terminated by other getUpdates")


async def test_stop_answers_a_waiting_long_poll(fake_clock: FakeClock) -> None:
    server = FakeBotApi(clock=fake_clock)
    await server.start()
    async with httpx.AsyncClient(timeout=10) as http:
        poll = asyncio.create_task(call(http, server, "getUpdates", timeout=30))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(server.stop(), timeout=3)
        assert (await poll).json() == {"ok": True, "result": []}


# -- edits, waits ----------------------------------------------------------------------------


async def test_edits_are_recorded_and_unchanged_edits_refused(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    await call(client, api, "sendMessage", chat_id=CHAT, text="<b>旧</b>", parse_mode="HTML")
    edit = {"chat_id": CHAT, "message_id": 1, "parse_mode": "HTML"}
    response = await call(client, api, "editMessageText", text="<b>旧</b>", **edit)
    assert response.status_code == 400
    assert "message is not modified" in response.json()["description"]
    response = await call(client, api, "editMessageText", text="<i>新</i>", **edit)
    assert response.status_code == 200
    edited = await api.wait_for_edit(chat_id=CHAT, message_id=1)
    assert (edited.plain_text, edited.edits[0].previous_text) == ("新", "<b>旧</b>")
    missing = await call(client, api, "editMessageText", text="x", chat_id=CHAT, message_id=9)
    assert missing.json()["description"] == "Bad Request: message to edit not found"


async def test_wait_for_messages_times_out_with_what_was_sent(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    await call(client, api, "sendMessage", chat_id=CHAT, text="only one")
    with pytest.raises(AssertionError, match=r"expected 2 message\(s\)[\s\S]*only one"):
        await api.wait_for_messages(chat_id=CHAT, count=2, timeout=0.1)


async def test_mark_hides_earlier_messages(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    await call(client, api, "sendMessage", chat_id=CHAT, text="before")
    api.mark()
    await call(client, api, "sendMessage", chat_id=CHAT, text="after")
    [message] = await api.wait_for_messages(chat_id=CHAT)
    assert message.text == "after"


# -- the real python-telegram-bot stack ------------------------------------------------------


def build_application(api: FakeBotApi) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )


@asynccontextmanager
async def polling(application: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html("<b>pong</b> &amp; 你好")


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    buttons = [[InlineKeyboardButton("国际", callback_data="cat:国际")]]
    await update.effective_message.reply_text(
        "选择分类", reply_markup=InlineKeyboardMarkup(buttons)
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("好的")
    await query.edit_message_text(f"<i>{query.data}</i>", parse_mode=ParseMode.HTML)


async def test_ptb_command_gets_a_reply(api: FakeBotApi) -> None:
    application = build_application(api)
    application.add_handler(CommandHandler("ping", ping))
    async with polling(application):
        api.send_text("/ping")
        [reply] = await api.wait_for_messages(chat_id=DEFAULT_USER_ID)
        assert reply.plain_text == "pong & 你好"
        assert reply.parse_mode == "HTML"

        api.mark()
        api.send_text("/ping@newsdigest_test_bot", chat_type="supergroup")
        [reply] = await api.wait_for_messages(chat_id=DEFAULT_SUPERGROUP_ID)
        assert reply.plain_text == "pong & 你好"
    assert api.stats.succeeded["getMe"] == 1


async def test_ptb_button_press_is_answered_and_edits(api: FakeBotApi) -> None:
    application = build_application(api)
    application.add_handler(CommandHandler("menu", menu))
    application.add_handler(CallbackQueryHandler(choose))
    async with polling(application):
        api.send_text("/menu")
        [message] = await api.wait_for_messages(chat_id=DEFAULT_USER_ID)
        assert message.callback_data == ["cat:国际"]
        api.mark()
        update = api.press_button(message, "cat:国际")
        answer = await api.wait_for_callback_answer(update["callback_query"]["id"])
        assert answer.text == "好的"
        edited = await api.wait_for_edit(chat_id=DEFAULT_USER_ID, message_id=message.message_id)
        assert edited.plain_text == "cat:国际"
        assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard


async def test_ptb_sees_telegram_errors_as_its_exceptions(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 builds RetryAfter's message from its deprecated int ``retry_after`` and warns,
    # which filterwarnings=error turns into the raised exception, unless timedeltas are on.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    application = build_application(api)
    async with application:
        bot = application.bot
        await bot.set_my_commands([("latest", "最新新闻"), ("help", "帮助")])
        assert api.commands() == ["latest", "help"]
        with pytest.raises(BadRequest, match=r"^Can't parse entities: can't find end tag"):
            await bot.send_message(CHAT, "<b>oops", parse_mode=ParseMode.HTML)
        api.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(CHAT, "x")
        assert retry.value.retry_after == dtm.timedelta(seconds=3)
        api.block_chat(CHAT)
        with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
            await bot.send_message(CHAT, "x")
    assert api.messages(CHAT) == []


async def test_ptb_reads_chats_members_and_admins(api: FakeBotApi) -> None:
    group = DEFAULT_SUPERGROUP_ID
    api.set_chat_admins(group, [7, 8])
    async with build_application(api) as application:
        bot = application.bot
        owner, admin = await bot.get_chat_administrators(group)
        assert (owner.status, owner.user.id) == (ChatMemberStatus.OWNER, 7)
        assert (admin.status, admin.user.id) == (ChatMemberStatus.ADMINISTRATOR, 8)
        member = await bot.get_chat_member(group, 9)
        assert member.status == ChatMemberStatus.MEMBER
        assert (await bot.get_chat(group)).type == ChatType.SUPERGROUP
        with pytest.raises(BadRequest, match="no administrators in the private chat"):
            await bot.get_chat_administrators(DEFAULT_USER_ID)
        api.set_chat_not_found(-4999)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.get_chat(-4999)


async def test_ptb_deletes_edits_markup_and_sends_actions(api: FakeBotApi) -> None:
    async with build_application(api) as application:
        bot = application.bot
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("更多", callback_data="more")]])
        message = await bot.send_message(CHAT, "列表", reply_markup=markup)
        await bot.send_chat_action(CHAT, ChatAction.TYPING)
        await bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=None)
        [sent] = api.messages(CHAT)
        assert (sent.edited, sent.reply_markup, sent.plain_text) == (True, None, "列表")
        assert await bot.delete_message(CHAT, message.message_id)
        assert sent.deleted
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(CHAT, message.message_id)
        assert await bot.get_my_commands() == ()


async def test_ptb_receives_channel_posts_and_my_chat_member(api: FakeBotApi) -> None:
    seen: asyncio.Queue[Update] = asyncio.Queue()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await seen.put(update)

    application = build_application(api)
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, record))
    application.add_handler(ChatMemberHandler(record, ChatMemberHandler.MY_CHAT_MEMBER))
    async with polling(application):
        api.channel_post("频道消息")
        api.my_chat_member(DEFAULT_USER_ID, new_status="kicked")
        post = await asyncio.wait_for(seen.get(), timeout=5)
        change = await asyncio.wait_for(seen.get(), timeout=5)
    assert post.channel_post is not None
    assert post.channel_post.text == "频道消息"
    assert post.channel_post.chat.type == ChatType.CHANNEL
    assert change.my_chat_member is not None
    assert change.my_chat_member.new_chat_member.status == ChatMemberStatus.BANNED
    assert change.my_chat_member.new_chat_member.user.username == "newsdigest_test_bot"


def test_fixed_window_lets_a_burst_straddle_a_second_boundary() -> None:
    clock = FakeClock()
    clock.now = 10.5
    limits = RateLimits(
        global_per_second=2, per_chat_per_second=None, per_group_per_minute=None, window="fixed"
    )
    limiter = SendLimiter(limits, clock)
    assert [limiter.try_send(1), limiter.try_send(2)] == [None, None]
    assert limiter.try_send(3) == 1  # 0.5 s to the next window, rounded up like Telegram
    clock.now = 11.0
    assert [limiter.try_send(3), limiter.try_send(4), limiter.try_send(5)] == [None, None, 1]


def test_a_chat_limit_below_one_per_second_spaces_sends() -> None:
    clock = FakeClock()
    limits = RateLimits(
        global_per_second=None, per_chat_per_second=0.25, per_group_per_minute=None
    )
    limiter = SendLimiter(limits, clock)
    assert limiter.try_send(CHAT) is None
    clock.advance(1.0)
    assert limiter.try_send(CHAT) == 3
    assert limiter.try_send(CHAT + 1) is None
