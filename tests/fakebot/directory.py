"""The chats and users the fake knows, who administers what, and which chats refuse the bot."""

from typing import Any

from .records import ApiError, bad_request
from .topics import ForumTopics

ChatType = str  # "private" | "group" | "supergroup" | "channel"

_ADMIN_RIGHTS = (
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def guess_chat_type(chat_id: int) -> ChatType:
    """Telegram's id ranges: users positive, supergroups and channels -100..., groups negative."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


class ChatDirectory:
    """Users and chats seen in injected updates, plus the per-chat behaviour tests configure."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.users: dict[int, dict[str, Any]] = {bot_user["id"]: bot_user}
        self.chats: dict[int, dict[str, Any]] = {}
        self.admins: dict[int, list[int]] = {}
        self.blocked: dict[int, str] = {}
        self.not_found: set[int] = set()
        self.upgraded: dict[int, int] = {}  # a group upgraded to a supergroup: its new id
        self.topics = ForumTopics()
        self._last_message_id: dict[int, int] = {}

    def remember_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
        }
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def remember_chat(
        self, chat_id: int, chat_type: ChatType, *, title: str | None = None
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            user = self.user(chat_id)
            chat["first_name"] = user["first_name"]
            if "username" in user:
                chat["username"] = user["username"]
        else:
            chat["title"] = title or f"Chat {chat_id}"
        if self.topics.is_forum(chat_id):
            chat["is_forum"] = True
        self.chats[chat_id] = chat
        return chat

    def user(self, user_id: int) -> dict[str, Any]:
        return self.users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
        }

    def chat(self, chat_id: int) -> dict[str, Any]:
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        chat_type = guess_chat_type(chat_id)
        if chat_type == "private":
            first_name = self.user(chat_id)["first_name"]
            return {"id": chat_id, "type": chat_type, "first_name": first_name}
        return {"id": chat_id, "type": chat_type, "title": f"Chat {chat_id}"}

    def resolve(self, raw: int | str | None) -> int:
        """The numeric chat id a ``chat_id`` parameter names, or raise Telegram's 400."""
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat_id, chat in self.chats.items():
                if chat.get("username", "").lower() == raw[1:].lower():
                    return chat_id
            raise bad_request("chat not found")
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request("chat not found") from None
        if chat_id in self.not_found or chat_id == 0:
            raise bad_request("chat not found")
        return chat_id

    def check_writable(self, chat_id: int) -> None:
        """Raise the 403 Telegram answers when the bot may not write to ``chat_id``."""
        reason = self.blocked.get(chat_id)
        if reason is not None:
            raise ApiError(403, f"Forbidden: {reason}")
        new_id = self.upgraded.get(chat_id)
        if new_id is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=new_id,
            )

    def block(self, chat_id: int, reason: str | None = None) -> None:
        if reason is None:
            reason = {
                "private": "bot was blocked by the user",
                "channel": "bot is not a member of the channel chat",
            }.get(self.chat(chat_id)["type"], "bot was kicked from the group chat")
        self.blocked[chat_id] = reason

    def next_message_id(self, chat_id: int) -> int:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        return message_id

    def last_message_id(self, chat_id: int) -> int:
        return self._last_message_id.get(chat_id, 0)

    def member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """The ChatMember object getChatMember answers."""
        admins = self.admins.get(chat_id)
        if admins is not None and user_id in admins:
            status = "creator" if admins[0] == user_id else "administrator"
        elif self.chat(chat_id)["type"] == "private":
            status = "member" if user_id in (chat_id, self.bot_user["id"]) else "left"
        else:
            status = "member"
        return member_json(self.user(user_id), status)

    def administrators(self, chat_id: int) -> list[dict[str, Any]]:
        if self.chat(chat_id)["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        return [self.member(chat_id, user_id) for user_id in self.admins.get(chat_id, [])]

    def full_info(self, chat_id: int) -> dict[str, Any]:
        """The ChatFullInfo object getChat answers."""
        return {
            **self.chat(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember of ``status`` with the fields python-telegram-bot requires for it."""
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True), is_anonymous=False)
        member["can_be_edited"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member
