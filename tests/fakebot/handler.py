"""The HTTP side: tornado handlers for ``/bot<token>/<method>``, answering like Telegram."""

import json
import logging
import re
import socket
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from .methods import CANONICAL_NAMES, METHODS, get_updates
from .params import Params
from .records import ApiError, bad_request
from .state import ServerState

_LOGGER = logging.getLogger(__name__)
_TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


async def dispatch(
    state: ServerState, method: str, values: dict[str, Any], gone: Any
) -> tuple[int, dict[str, Any]]:
    """Run one method call; return the HTTP status and Telegram's JSON answer."""
    name = CANONICAL_NAMES.get(method.lower())
    if name is None:
        state.stats.errors[404] += 1
        return 404, _NOT_FOUND
    state.stats.calls[name] += 1
    params = Params(values)
    held = state.take_hold(name, values.get("chat_id"))
    if held is not None:
        await held.released.wait()
    try:
        fault = state.take_fault(name, values.get("chat_id"))
        if fault is not None:
            raise fault
        if name == "getUpdates":
            result = await get_updates(state, params, gone)
        else:
            result = METHODS[name](state, params)
    except ApiError as error:
        state.stats.errors[error.status] += 1
        return error.status, error.payload()
    state.stats.succeeded[name] += 1
    return 200, {"ok": True, "result": result}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("strings must be encoded in UTF-8") from None


class BotApiHandler(tornado.web.RequestHandler):
    """``GET`` or ``POST /bot<token>/<method>``, parameters in the query, form, or JSON body."""

    def initialize(self, state: ServerState, token: str) -> None:
        self._state = state
        self._token = token
        self._gone = False

    def on_connection_close(self) -> None:
        # The client gave up (python-telegram-bot cancels its long poll on stop): end the wait.
        self._gone = True
        self._state.updates.pulse.fire()

    async def get(self, token: str, method: str) -> None:
        if token != self._token:
            status = 401 if _TOKEN_SHAPE.fullmatch(token) else 404
            description = "Unauthorized" if status == 401 else "Not Found"
            self._state.stats.errors[status] += 1
            self._answer(status, {"ok": False, "error_code": status, "description": description})
            return
        self._state.inflight += 1
        try:
            try:
                values = self._parameters()
            except ApiError as error:
                self._answer(error.status, error.payload())
                return
            status, body = await dispatch(self._state, method, values, lambda: self._gone)
            self._answer(status, body)
        finally:
            self._state.inflight -= 1
            self._state.updates.pulse.fire()

    post = get

    def _parameters(self) -> dict[str, Any]:
        request = self.request
        values: dict[str, Any] = {
            key: _decode(raw[-1]) for key, raw in request.query_arguments.items()
        }
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON encoded request body")
            values.update(body)
        else:
            values.update({key: _decode(raw[-1]) for key, raw in request.body_arguments.items()})
        return values

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        if self._gone:
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


class NotFoundHandler(tornado.web.RequestHandler):
    """Any other path (including file downloads, which the fake does not serve)."""

    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(_NOT_FOUND))


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # tornado.access would log every 4xx as a warning; error answers are routine here.
    # Only the method name is logged: the path holds the token.
    method = handler.request.path.rsplit("/", 1)[-1]
    _LOGGER.debug("fake Bot API answered %s with %s", method, handler.get_status())


class HttpEndpoint:
    """The listening server: 127.0.0.1 on a free port, in the running event loop."""

    def __init__(self, state: ServerState, token: str) -> None:
        self._state = state
        self._token = token
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    def start(self) -> None:
        self._state.updates.open()
        application = tornado.web.Application(
            [
                (
                    r"/bot([^/]*)/([^/]*)",
                    BotApiHandler,
                    {"state": self._state, "token": self._token},
                )
            ],
            default_handler_class=NotFoundHandler,
            log_function=_log_request,
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(application)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Answer waiting long polls, let requests in flight finish, close every connection."""
        if self._server is None:
            return
        self._state.updates.close()
        self._server.stop()
        await self._state.updates.pulse.wait_until(lambda: self._state.inflight == 0, 2.0)
        await self._server.close_all_connections()
        self._server = None
