"""Forum topics: the supergroups that have them, each topic open, closed or deleted, and
what Telegram answers a message sent to one."""

from dataclasses import dataclass, field

from .records import bad_request

GENERAL = None  # the General topic: messages sent without a message_thread_id


@dataclass
class ForumTopics:
    """Which chats are forums, and the state of each topic ("open", "closed", "deleted")."""

    states: dict[int, dict[int | None, str]] = field(default_factory=dict)

    def is_forum(self, chat_id: int) -> bool:
        return chat_id in self.states

    def open(self, chat_id: int, thread_id: int | None) -> None:
        """The chat is a forum (its General topic open), and the topic is open."""
        topics = self.states.setdefault(chat_id, {GENERAL: "open"})
        topics[thread_id] = "open"

    def set_state(self, chat_id: int, thread_id: int | None, state: str) -> None:
        if thread_id not in self.states.get(chat_id, {}):
            raise AssertionError(f"chat {chat_id} has no topic {thread_id}")
        self.states[chat_id][thread_id] = state

    def check_writable(self, chat_id: int, thread_id: int | None) -> None:
        """Raise Telegram's 400 for a message to a topic that is closed or gone. Outside
        forums a thread id is a reply thread's, which the fake does not check."""
        topics = self.states.get(chat_id)
        if topics is None:
            return
        state = topics.get(thread_id)
        if state is None or state == "deleted":
            raise bad_request("message thread not found")
        if state == "closed":
            raise bad_request("TOPIC_CLOSED")
