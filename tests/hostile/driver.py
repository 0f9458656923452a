"""Drive the real application with hostile updates, one at a time, and check each one.

Updates are made by the emulator's user API (so messages, files and callback queries
exist on the emulator's side, as on Telegram's), fetched with a real ``getUpdates``
call, sometimes altered (a forged size, an inaccessible message, a query that expired),
and handed to ``Application.process_update``. Processing one update at a time lets every
Bot API call and every logged error be attributed to the update that caused it.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
import time
import traceback
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core.errors import AppError
from bot.demo.playground import Playground
from bot.texts import CATALOGS, LANGUAGES, t
from emulator import BotApiEmulator, FakeGroup, FakeUser
from handlers.context import ChiboApp, ChiboContext
from handlers.followups import followups_of
from tests.hostile import files
from tests.hostile.strategies import ROLES, Action

JsonDict = dict[str, Any]
SENDS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
ANSWERS = SENDS | {"editMessageText", "answerCallbackQuery"}
MESSAGE_CALLS = SENDS | {"editMessageText", "editMessageReplyMarkup", "editMessageCaption",
                         "deleteMessage"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
       b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
INVITE = re.compile(r"start=([A-Za-z0-9_-]{8,64})")
STRANGER_NAMES = ("\u202eKẻ Lạ", "\u200bAn\u200b", "A" * 64, "مرحبا", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚o̮",
                  "{name}", "<b>Bold</b>", "Người Lạ")
GROUP_ID = -1001000000001
CHANNEL_ID = -1002000000002
SWEEP_ARGS = ("31/02/2026 25:61 | Hội trường | Nội dung", "\u202e" + "Nguyễn Văn " * 1000,
              "-1", "b1 2026", "\u200b\u200d", "{name} %s {0}", "30/02 19h60", "member 1",
              "export 99999", "duties 13/2026", "en", "ngày 31 25:61 | " + "x" * 300)
SWEEP_DATA = ("{p}:o:1", "{p}:1", "{p}:p:1:0", "{p}:x:999999999999", "{p}:" + ":".join(["1"] * 30),
              "{p}:o:-1", "{p}:\u202e:1", "{p}:t:1:202613", "{p}:t:2:190001", "{p}:1:000000:ok",
              "{p}:2:209912:pb", "{p}:p:1:999999999999", "{p}:x:1:1:1:999999999999",
              "{p}:s:c1:0", "{p}:m:b1:0:99999999", "{p}:y:c999:0:2026", "{p}:3:n", "{p}:3:y")
CRAWL_MENUS = ("/members", "/households", "/report", "/assign", "/meetings", "/duties",
               "/follow", "/attendance", "/units", "/appoint", "/newunit", "/me")
CRAWL_TEXTS = ("31/02/2026 25:61", "Nguyễn Văn " * 1000, "\u202eTên\u200b Lạ", "01/01/2020",
               "ngày 5 19:30 | Nhà văn hóa", "05/12/2026 19:30", "{name}", "15/12/2026 19:30",
               "Ốm", "Thôn 3 | 12 | Số 12 đường Lê Lợi")
LONG_NAME = "\u202eNguyễn\u200b Văn " * 1000
SCRIPTS = (
    ("/meeting", "15/12/2026 19:30", LONG_NAME, LONG_NAME),
    ("/meeting", "31/02/2026 25:61", "30/11/2026 19:30", "/cancel"),
    ("/thematic", "20/12/2026 19:30", "/skip", "/skip"),
    ("/thematic", "21/12/2026 07:00", "{place}", "%s {0} \u200b"),
    ("/schedule", "ngày 31 19:30 | " + LONG_NAME),
    ("/schedule", "thứ 5 tuần 5 25:61"),
    ("/schedule", "last friday 7:30 | \u202eNhà văn hóa"),
    ("/invite", LONG_NAME),
    ("/invite", "\u200b\u200c\u200d"),
    ("/invite", "Lê \u202eThị\u200f Ả"),
    ("/newunit", "press:1", "press:0", LONG_NAME),
    ("/newunit", "press:0", "\u200b"),
    ("/appoint", "press:0", LONG_NAME),
    ("/lang en", "/help", "/lang vi", "/lang", "/lang " + "e" * 5000),
    ("/meetings", "press:1", LONG_NAME),
    ("/members", "press:0", "press:0", "31/02/2020"),
    ("/households", "press:1", LONG_NAME, "/households", "press:0", "press:0", "press:0",
     LONG_NAME),
    ("/duties", "press:1", LONG_NAME),
    ("/attendance", "press:1", LONG_NAME),
    ("/report member " + LONG_NAME[:300],),
    ("/report duties 13/2026", "/report year 0000", "/report export 2026"),
    ("/broadcast " + LONG_NAME,),
)
POLL_TEXTS = ("/help", "/me", "/meetings", "31/02/2026 25:61", "/report", "/members",
              "/duties", "/households", "\u202e\u200b", "/start " + "x" * 80,
              "/meeting 31/02/2026 25:61 | a | b", "xin chào", LONG_NAME[:4000], "/invite",
              LONG_NAME[:3000], "/cancel", "/attendance", "/follow", "/frobnicate {name}")
REFUSAL_TEXTS = frozenset(
    CATALOGS[lang][key] for lang in CATALOGS for key in
    ("button_expired", "not_understood", "unknown_command", "denied", "not_found",
     "admins_only") if key in CATALOGS[lang])


def families(app: ChiboApp) -> list[str]:
    """Every callback-data prefix a handler listens to (``^prefix:`` patterns)."""
    found: set[str] = set()
    for group in app.handlers.values():
        for handler in group:
            if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                source = getattr(handler.pattern, "pattern", str(handler.pattern))
                match = re.match(r"^\^([A-Za-z0-9_\\-]+):", str(source))
                if match:
                    found.add(match.group(1).replace("\\", ""))
    return sorted(found)


def commands(app: ChiboApp) -> list[str]:
    found: set[str] = set()
    for group in app.handlers.values():
        for handler in group:
            if isinstance(handler, CommandHandler):
                found |= set(handler.commands)
    return sorted(found)



# A command typed in a group gets this fixed hint (no one's data): allowed there.
PRIVATE_ONLY = frozenset(t(lang, "private_only") for lang in LANGUAGES)

class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Failure:
    category: str
    problem: str
    update: str
    detail: str = ""


@dataclass
class Figures:
    tried: Counter[str] = field(default_factory=Counter)
    checked: Counter[str] = field(default_factory=Counter)  # answers required and found
    refusals: Counter[str] = field(default_factory=Counter)  # catalog key of the refusal
    ignored: Counter[str] = field(default_factory=Counter)  # allowed to go unanswered
    outcomes: Counter[str] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)  # set-up, sweep, random, crawl

    @property
    def total(self) -> int:
        return sum(self.tried.values())


def _short(value: Any, limit: int = 120) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}…(+{len(value) - limit} chars)"
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value[:5]]
    return value


def describe(raw: JsonDict) -> str:
    return json.dumps(_short(raw), ensure_ascii=False)[:1500]


class Driver:
    def __init__(self, live_bot: Playground, people: dict[str, list[int]],
                 errors: ErrorLog) -> None:
        self.live_bot = live_bot
        self.emu: BotApiEmulator = live_bot.emu
        self.app = live_bot.app
        self.people = people
        self.errors = errors
        self.figures = Figures()
        self.failures: list[Failure] = []
        self.offset = 0
        self.phase = "set-up"
        self.synthetic_id = 10**9
        # What the bot sent that can be pressed: chat -> message id -> callback data.
        self.buttons: dict[int, OrderedDict[int, list[str]]] = {}
        self.bot_messages: dict[int, list[int]] = {}
        self.own_messages: dict[int, list[int]] = {}  # chat -> ids of the person's messages
        self.recent: deque[JsonDict] = deque(maxlen=200)
        self.tokens: list[str] = []
        self.group: FakeGroup = self.emu.group(GROUP_ID, "Chi bộ Thôn 01 — nhóm")
        self._deleted_ids: dict[int, set[int]] = {}
        self.app.add_error_handler(self._count_refusal)

    async def _count_refusal(self, update: object, context: ChiboContext) -> None:
        if isinstance(context.error, AppError):
            self.figures.refusals[context.error.key] += 1

    # --- people ---------------------------------------------------------------------------
    def person(self, role: str, who: int) -> int:
        pool = self.people.get(role) or self.people["stranger"]
        return pool[who % len(pool)]

    def user(self, telegram_id: int) -> FakeUser:
        name = "Đồng chí"
        if telegram_id in self.people.get("stranger", []) + self.people.get("newcomer", []):
            name = STRANGER_NAMES[telegram_id % len(STRANGER_NAMES)]
        return self.emu.user(telegram_id, name, language_code="vi")

    # --- one action -----------------------------------------------------------------------
    async def perform(self, action: Action) -> None:
        handler = getattr(self, f"_do_{action.category}")
        await handler(action)

    async def _do_text(self, a: Action) -> None:
        await self.say(a.category, self.person(a.role, a.who), a.text)

    async def _do_command(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        text = a.text
        if a.role == "newcomer" and self.tokens and a.pick % 2 == 0:
            token = self.tokens[len(a.text) % len(self.tokens)]
            text = f"/start {token}" if a.pick % 4 == 0 else f"/start {token}{a.text[:3]}"
        await self.say(a.category, uid, text)

    async def _do_meeting(self, a: Action) -> None:
        await self.say(a.category, self.person(a.role, a.who), a.text)

    async def _do_dialogue(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        if a.variant == "command" or not self.buttons.get(uid):
            await self.say(a.category, uid, f"/{a.text}")
        else:
            await self.press_real(a.category, uid, a.pick, "latest")
        await self.say(a.category, uid, a.extra)

    async def _do_press_real(self, a: Action) -> None:
        await self.press_real(a.category, self.person(a.role, a.who), a.pick, a.variant)

    async def _do_press_forged(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        messages = [m for m in self.bot_messages.get(uid, []) if m not in self._deleted(uid)]
        if not messages:
            await self.say(a.category, uid, "/help")
            return
        message_id = messages[0] if a.variant == "old" else messages[-1]
        await self.press(a.category + ":" + a.variant, uid, message_id, a.data, a.variant)

    async def _do_replay(self, a: Action) -> None:
        if not self.recent:
            await self.say(a.category, self.person(a.role, a.who), "/start")
            return
        raw = self.recent[-1 - a.pick % len(self.recent)]
        # The same update again (a restart before the offset was confirmed): the bot may
        # not be able to answer a callback query twice, but must not fail.
        await self.process("replay", copy.deepcopy(raw), require_answer="callback_query" not in raw)

    async def _do_edit(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        mine = self.own_messages.get(uid)
        if not mine:
            await self.say(a.category, uid, a.text)
            return
        message_id = mine[-1 - a.pick % len(mine)]
        await self.user(uid).edit(message_id, a.text or ".")
        await self.fetch_and_process(a.category)

    async def _do_upload(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        doc = files.upload(a.text)
        user = self.user(uid)
        if a.variant == "as_photo":
            await user.send_photo(PNG, caption=a.extra or None)
        else:
            await user.upload(doc.filename or "upload", doc.data, caption=a.extra or None,
                              mime_type=doc.mime_type)
        await self.fetch_and_process(f"upload:{a.text}", mutate=self._size_claim(a.variant,
                                                                                 doc.filename))

    def _size_claim(self, variant: str, filename: str) -> Any:
        def mutate(raw: JsonDict) -> JsonDict:
            document = raw.get("message", {}).get("document")
            if document is None:
                return raw
            if not filename:
                document.pop("file_name", None)
            if variant == "claims_huge":
                document["file_size"] = 6_000_000 + len(document.get("file_id", ""))
            elif variant == "no_size":
                document.pop("file_size", None)
            return raw
        return mutate

    async def _do_media(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        user = self.user(uid)
        if a.variant == "photo":
            await user.send_photo(PNG)
            await self.fetch_and_process("media:photo")
            return
        if a.variant == "reply":
            bots = self.bot_messages.get(uid, [])
            target = next((m for m in reversed(bots) if m not in self._deleted(uid)), None)
            if target is not None:
                sent = await user.reply_to(target, "trả lời " + "\u202e" * 3)
                self.own_messages.setdefault(uid, []).append(sent["message_id"])
                await self.fetch_and_process("media:reply")
                return
        contents: dict[str, JsonDict] = {
            "sticker": {"sticker": {"file_id": "STK", "file_unique_id": "STKU", "type": "regular",
                                    "width": 512, "height": 512, "is_animated": False,
                                    "is_video": False}},
            "contact": {"contact": {"phone_number": "+84912345678", "first_name": "\u202eA"}},
            "location": {"location": {"latitude": 21.03, "longitude": 105.85}},
            "voice": {"voice": {"file_id": "VOI", "file_unique_id": "VOIU", "duration": 3}},
            "dice": {"dice": {"emoji": "🎲", "value": 6}},
            "empty_text": {"text": ""},
        }
        content = contents.get(a.variant, {})

        def mutate(raw: JsonDict) -> JsonDict:
            message = raw["message"]
            if content:
                message.pop("text", None)
                message.pop("entities", None)
                message.update(copy.deepcopy(content))
            elif a.variant == "forward":
                message["forward_origin"] = {"type": "hidden_user", "sender_user_name": "X",
                                             "date": 1}
            elif a.variant == "via_bot":
                message["via_bot"] = {"id": 42, "is_bot": True, "first_name": "Other",
                                      "username": "other_bot"}
            return raw

        await user.send("/help" if a.variant == "via_bot" else "x")
        await self.fetch_and_process(f"media:{a.variant}", mutate=mutate)

    async def _do_group(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        user = self.user(uid)
        category = f"group:{a.variant}"
        if a.variant == "press" and self.bot_messages.get(GROUP_ID):
            await self.group.press_data(user, a.data or "x")
        elif a.variant == "edit" and self.own_messages.get(GROUP_ID):
            try:
                await self.group.edit(user, self.own_messages[GROUP_ID][-1], a.text or ".")
            except LookupError:  # the last group message is someone else's
                await self.group.send(user, a.text or ".")
        elif a.variant == "upload":
            doc = files.upload("formulas")
            await self.group.upload(user, doc.filename, doc.data, caption="/import")
        else:
            sent = await self.group.send(user, a.text or ".")
            self.own_messages.setdefault(GROUP_ID, []).append(sent["message_id"])
        await self.fetch_and_process(category)

    async def _do_channel(self, a: Action) -> None:
        post = await self.emu.channel_post(CHANNEL_ID, a.text or ".", title="Kênh tin")
        await self.fetch_and_process("channel:post")
        if a.variant == "edit":
            edited = dict(post, text=a.text[::-1] or "..", edit_date=int(time.time()))
            await self.process("channel:edit", {"update_id": self._next_synthetic(),
                                                "edited_channel_post": edited})

    async def _do_service(self, a: Action) -> None:
        uid = self.person(a.role, a.who)
        person = {"id": uid, "is_bot": False, "first_name": "Đồng chí"}
        chat = {"id": uid, "type": "private", "first_name": "Đồng chí"}
        bot = self.emu.bot_user
        now = int(time.time())
        payload: JsonDict
        if a.variant in ("blocked", "unblocked"):
            old, new = ("member", "kicked") if a.variant == "blocked" else ("kicked", "member")
            payload = {"my_chat_member": {
                "chat": chat, "from": person, "date": now,
                "old_chat_member": {"user": bot, "status": old, **(
                    {"until_date": 0} if old == "kicked" else {})},
                "new_chat_member": {"user": bot, "status": new, **(
                    {"until_date": 0} if new == "kicked" else {})}}}
        elif a.variant == "reaction":
            payload = {"message_reaction": {
                "chat": chat, "message_id": 1, "user": person, "date": now, "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
        elif a.variant == "join_request":
            payload = {"chat_join_request": {
                "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Nhóm"},
                "from": person, "user_chat_id": uid, "date": now}}
        elif a.variant == "anonymous_admin":  # an admin posting as the group itself
            payload = {"message": {
                "message_id": 10**6 + self.synthetic_id % 10**6, "date": now,
                "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Nhóm"},
                "from": {"id": 1087968824, "is_bot": True, "first_name": "Group",
                         "username": "GroupAnonymousBot"},
                "sender_chat": {"id": GROUP_ID, "type": "supergroup", "title": "Nhóm"},
                "text": "/linkgroup", "entities": [{"type": "bot_command", "offset": 0,
                                                    "length": 10}]}}
        else:
            payload = {"message": {
                "message_id": 10**6 + self.synthetic_id % 10**6, "date": now,
                "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Nhóm"},
                "from": {"id": 4242, "is_bot": True, "first_name": "Spam", "username": "spam_bot"},
                "text": "/start@chibo_bot spam",
                "entities": [{"type": "bot_command", "offset": 0, "length": 16}]}}
        await self.process(f"service:{a.variant}",
                           {"update_id": self._next_synthetic(), **payload})

    # --- deterministic phases: every command and family by every role; a crawl ------------
    async def sweep(self, names: list[str], prefixes: list[str]) -> None:
        """Every command, bare and with junk, and forged data for every button family,
        from one person of every role: breadth that random draws may miss."""
        self.phase = "sweep"
        for r, role in enumerate(ROLES):
            uid = self.person(role, 0)
            for n, name in enumerate(names):
                await self.say("sweep:command", uid, f"/{name}")
                junk = SWEEP_ARGS[(n + r) % len(SWEEP_ARGS)]
                await self.say("sweep:command", uid, f"/{name} {junk}")
            for token in self.tokens:  # someone else's invitation, and a replay of one
                target = self._latest(uid)
                if target is not None:
                    await self.press("sweep:forged", uid, target, f"join:{token}", "latest")
            group_message = self._latest(GROUP_ID)
            for prefix in prefixes:  # taps forged on the bot's message in the group
                for shape in SWEEP_DATA[:10]:
                    if group_message is not None:
                        await self.group.press_data(self.user(uid), shape.format(p=prefix),
                                                    message_id=group_message)
                        await self.fetch_and_process("sweep:group")
            for prefix in prefixes:
                for shape in SWEEP_DATA:
                    target = self._latest(uid)
                    if target is None:
                        await self.say("sweep:command", uid, "/help")
                        continue
                    await self.press("sweep:forged", uid, target, shape.format(p=prefix),
                                     "latest")

    async def scripts(self, officers: list[int], others: list[int]) -> None:
        """Guided conversations taken step by step with hostile answers, and every file
        uploaded by officers and by people who may not import."""
        self.phase = "sweep"
        for uid in officers + others:
            for script in SCRIPTS:
                for step in script:
                    if step.startswith("press:"):
                        await self.press_real("sweep:script", uid, int(step[6:]), "latest")
                    else:
                        await self.say("sweep:script", uid, step)
            for name in files.NAMES:
                doc = files.upload(name)
                await self.user(uid).upload(doc.filename or "upload", doc.data,
                                            caption="/import", mime_type=doc.mime_type)
                await self.fetch_and_process(f"sweep:upload:{name}",
                                             mutate=self._size_claim("", doc.filename))
                if self.buttons.get(uid):  # confirm (or cancel) what could be imported
                    await self.press_real("sweep:script", uid, len(name), "latest")

    async def crawl(self, uids: list[int], steps: int) -> None:
        """Press every button the bot shows, newest first, once per person, answering
        the questions with hostile texts: the deep paths (cards, confirmations, pages)."""
        self.phase = "crawl"
        for uid in uids:
            pressed: set[str] = set()
            for step in range(steps):
                choices = [(m, d) for m, datas in reversed(self.buttons.get(uid, {}).items())
                           if m not in self._deleted(uid) for d in datas if d not in pressed]
                if not choices:
                    await self.say("crawl:menu", uid, CRAWL_MENUS[step % len(CRAWL_MENUS)])
                    continue
                message_id, data = choices[0]
                pressed.add(data)
                await self.press("crawl:press", uid, message_id, data, "latest")
                if step % 3 == 0:
                    await self.say("crawl:text", uid, CRAWL_TEXTS[step % len(CRAWL_TEXTS)])

    async def polling(self, uids: list[int], steps: int) -> None:
        """The same kind of input through the real long-polling path (the updater and the
        per-person update processor), many people at once, each waiting for the answer
        before going on, as people do."""
        self.phase = "polling"
        await self.fetch()  # confirm what was fetched by hand, so it is not served twice
        updater = self.app.updater
        assert updater is not None
        errors_before = len(self.errors.records)
        await updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False,
                                    allowed_updates=Update.ALL_TYPES)
        try:
            await asyncio.gather(*(self._converse(uid, steps) for uid in uids))
            await self.emu.wait_idle(timeout=30)
        finally:
            await updater.stop()
        for record in self.errors.records[errors_before:]:
            self.failures.append(Failure("polling", f"logged {record.levelname} by "
                                         f"{record.name}", "", record_detail(record)))

    async def _converse(self, uid: int, steps: int) -> None:
        user = self.user(uid)
        for step in range(steps):
            last = user.last_message
            buttons = [b.callback_data for row in (last.buttons if last else [])
                       for b in row if b.callback_data]
            if last is not None and not last.deleted and step % 3 == 2:
                data = buttons[step % len(buttons)] if buttons and step % 2 else (
                    SWEEP_DATA[step % len(SWEEP_DATA)].format(p="mem"))
                try:
                    query_id = await user.press_data(data, message_id=last.message_id)
                except LookupError:  # deleted by the bot (a progress note) just now
                    continue
                self.figures.tried["polling"] += 1
                self.figures.phases["polling"] += 1
                try:
                    await user.callback_answer(query_id, timeout=15)
                    self.figures.checked["callback answered"] += 1
                except TimeoutError as err:
                    self.failures.append(Failure("polling", "callback query not answered",
                                                 data, str(err)))
                continue
            text = POLL_TEXTS[(step + uid) % len(POLL_TEXTS)]
            await user.send(text)
            self.figures.tried["polling"] += 1
            self.figures.phases["polling"] += 1

            def answered(user: FakeUser = user, before: int = last.message_id if last else 0,
                         ) -> bool:
                newest = user.last_message
                return newest is not None and newest.message_id != before

            try:
                await self.emu.wait_until(answered, timeout=15)
                self.figures.checked["message answered"] += 1
            except TimeoutError:
                self.failures.append(Failure("polling", "private message not answered",
                                             text[:200], f"user {uid}"))

    def _latest(self, chat_id: int) -> int | None:
        alive = [m for m in self.bot_messages.get(chat_id, []) if m not in self._deleted(chat_id)]
        return alive[-1] if alive else None

    # --- building blocks --------------------------------------------------------------------
    def _next_synthetic(self) -> int:
        self.synthetic_id += 1
        return self.synthetic_id

    def _deleted(self, chat_id: int) -> set[int]:
        return self._deleted_ids.setdefault(chat_id, set())

    async def say(self, category: str, uid: int, text: str) -> None:
        sent = await self.user(uid).send(text)
        self.own_messages.setdefault(uid, []).append(sent["message_id"])
        await self.fetch_and_process(category)

    async def press_real(self, category: str, uid: int, pick: int, variant: str) -> None:
        pressable = [(m, data) for m, datas in self.buttons.get(uid, {}).items()
                     if m not in self._deleted(uid) for data in datas]
        if not pressable:
            await self.say(category, uid, "/help")
            return
        if variant == "latest":
            newest = max(m for m, _ in pressable)
            pressable = [(m, d) for m, d in pressable if m == newest]
        message_id, data = pressable[pick % len(pressable)]
        await self.press(f"{category}:{variant}", uid, message_id, data, variant)
        if variant == "double":
            await self.press(f"{category}:{variant}", uid, message_id, data, "latest")

    async def press(self, category: str, uid: int, message_id: int, data: str,
                    variant: str) -> None:
        user = self.user(uid)
        query_id = await user.press_data(data, message_id=message_id)
        if variant == "expired":
            user.callback(query_id).created_at -= 10_000  # older than Telegram keeps a query
        if variant == "deleted":
            await self.app.bot.delete_message(uid, message_id)  # gone before the bot reads it
            self._deleted(uid).add(message_id)

        def mutate(raw: JsonDict) -> JsonDict:
            query = raw.get("callback_query")
            if query is not None and variant == "inaccessible":
                message = query["message"]
                query["message"] = {"chat": message["chat"], "message_id": message["message_id"],
                                    "date": 0}
            elif query is not None and variant == "no_message":  # as from an inline message
                del query["message"]
                query["inline_message_id"] = f"INLINE{query['id']}"
            return raw

        await self.fetch_and_process(category, mutate=mutate,
                                     expired=variant == "expired")

    async def fetch(self) -> list[JsonDict]:
        raw: list[JsonDict] = await self.app.bot.do_api_request(
            "getUpdates", api_kwargs={"offset": self.offset, "timeout": 0, "limit": 100})
        if raw:
            self.offset = raw[-1]["update_id"] + 1
        return raw

    async def fetch_and_process(self, category: str, *, mutate: Any = None,
                                expired: bool = False) -> None:
        for raw in await self.fetch():
            if mutate is not None:
                raw = mutate(raw)
            await self.process(category, raw, expired=expired)

    # --- processing and checking -------------------------------------------------------------
    async def process(self, category: str, raw: JsonDict, *, expired: bool = False,
                      require_answer: bool = True) -> None:
        self.figures.tried[category.split(":")[0]] += 1
        self.figures.phases[self.phase] += 1
        update = Update.de_json(copy.deepcopy(raw), self.app.bot)
        calls_before, errors_before = len(self.emu.calls), len(self.errors.records)
        try:
            await self.app.process_update(update)
            # A tap is answered first; what it causes follows in a task: wait for it too.
            await asyncio.wait_for(followups_of(self.app).idle(), 30)
        except Exception as exc:  # escaped the application: the worst kind of bug
            self.failures.append(Failure(category, f"escaped: {exc!r}", describe(raw),
                                         traceback.format_exc()))
        self.recent.append(raw)
        calls = self.emu.calls[calls_before:]
        self._learn(calls)
        for record in self.errors.records[errors_before:]:
            self.failures.append(Failure(category, f"logged {record.levelname} by {record.name}",
                                         describe(raw), record_detail(record)))
        self._check_answer(category, raw, update, calls, expired=expired,
                           require=require_answer)
        self._check_where(category, raw, update, calls)

    def _check_where(self, category: str, raw: JsonDict, update: Update,
                     calls: list[Any]) -> None:
        """An update is answered in its own chat: anything for other people goes through
        the outbox (paused here), so a direct message elsewhere is a leak."""
        chat = update.effective_chat
        own = str(chat.id) if chat is not None else None
        message = update.effective_message
        linking = (message is not None and (message.text or "").startswith("/linkgroup")
                   and update.callback_query is None)
        for call in calls:
            target = call.params.get("chat_id")
            if not call.ok or call.method not in MESSAGE_CALLS:
                continue
            if str(target) != own:
                self.failures.append(Failure(category, f"{call.method} to another chat",
                                             describe(raw), f"to {target}, update in {own}"))
            elif chat is not None and chat.type != "private" and not (
                    call.method == "sendMessage"
                    and (linking or call.params.get("text") in PRIVATE_ONLY)):
                # Nothing but the answer to /linkgroup, and the hint that commands work in
                # the private chat, is ever shown in a group: members' cards, reports and
                # exports hold personal data.
                self.failures.append(Failure(category, f"{call.method} in a group chat",
                                             describe(raw), str(call.params.get("text")
                                                                or call.params)[:300]))

    def _check_answer(self, category: str, raw: JsonDict, update: Update, calls: list[Any],
                      *, expired: bool, require: bool) -> None:
        user, chat = update.effective_user, update.effective_chat
        person = user is not None and not user.is_bot
        kind = next(k for k in raw if k != "update_id")
        ok = [c for c in calls if c.ok and c.method in ANSWERS]
        if kind == "callback_query" and person:
            query_id = raw["callback_query"]["id"]
            answered = any(c.method == "answerCallbackQuery"
                           and str(c.params.get("callback_query_id")) == query_id for c in ok)
            if answered:
                self.figures.checked["callback answered"] += 1
                self._outcome(ok)
            elif expired or not require:
                self.figures.ignored["callback too old to answer"] += 1
            else:
                self.failures.append(Failure(category, "callback query not answered",
                                             describe(raw), _calls(calls)))
            return
        private_message = (kind == "message" and person and chat is not None
                           and chat.type == "private")
        if private_message:
            chat_id = str(chat.id)  # type: ignore[union-attr]
            sent = [c for c in ok if c.method in SENDS
                    and str(c.params.get("chat_id")) == chat_id]
            if sent:
                self.figures.checked["message answered"] += 1
                self._outcome(sent)
            elif not require:
                self.figures.ignored["replayed message"] += 1
            else:
                self.failures.append(Failure(category, "private message not answered",
                                             describe(raw), _calls(calls)))
            return
        reason = "edited message" if kind.startswith("edited") else (
            "group" if chat is not None and chat.type in ("group", "supergroup") else kind)
        self.figures.ignored[reason] += 1
        if any(c.method in SENDS for c in ok):
            self.figures.outcomes[f"answered in {reason}"] += 1

    def _outcome(self, calls: list[Any]) -> None:
        texts = [str(c.params.get("text") or c.params.get("caption") or "") for c in calls]
        if any(t in REFUSAL_TEXTS for t in texts):
            self.figures.outcomes["refused / not understood"] += 1
        elif any(c.params.get("show_alert") in (True, "true", "True") for c in calls):
            self.figures.outcomes["refused with an alert"] += 1
        else:
            self.figures.outcomes["served"] += 1

    def _learn(self, calls: list[Any]) -> None:
        """Remember the buttons the bot sent (to press them later) and invite tokens."""
        for call in calls:
            if not call.ok:
                continue
            if call.method in SENDS | {"editMessageText", "editMessageReplyMarkup"}:
                result = call.result if isinstance(call.result, dict) else None
                if result is None:
                    continue
                chat_id = result["chat"]["id"]
                message_id = result["message_id"]
                if call.method in SENDS:
                    self.bot_messages.setdefault(chat_id, []).append(message_id)
                markup = result.get("reply_markup") or {}
                datas = [b["callback_data"] for row in markup.get("inline_keyboard", [])
                         for b in row if b.get("callback_data")]
                chat_buttons = self.buttons.setdefault(chat_id, OrderedDict())
                if datas:
                    chat_buttons[message_id] = datas
                    chat_buttons.move_to_end(message_id)
                    while len(chat_buttons) > 40:
                        chat_buttons.popitem(last=False)
                else:
                    chat_buttons.pop(message_id, None)
                for token in INVITE.findall(str(result.get("text") or "")):
                    if token not in self.tokens:
                        self.tokens.append(token)
            elif call.method == "deleteMessage":
                chat_id = int(call.params.get("chat_id"))
                self._deleted(chat_id).add(int(call.params.get("message_id")))


def _calls(calls: list[Any]) -> str:
    return "; ".join(f"{c.method} {c.status} {c.error_description or ''}".strip()
                     for c in calls) or "no Bot API call at all"


def record_detail(record: logging.LogRecord) -> str:
    detail = record.getMessage()
    if record.exc_info:
        detail += "\n" + "".join(traceback.format_exception(*record.exc_info))
    elif record.exc_text:
        detail += "\n" + record.exc_text
    return detail
