"""The console's HTTP side: the page, its script and style, and a small JSON API.

Thin like every handler: read the request, validate Telegram's init data
(``Authorization: tma <initData>``), resolve the actor from the database, call
:mod:`bot.console.service`, answer JSON with the catalog's text on refusal. Forged or
expired init data is a 401; a person who may not is a 403 in their language.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.console import service as console
from bot.console.initdata import InitDataRejected, validate
from bot.core.access import Actor
from bot.core.errors import AppError, Denied, NotFound, error_text_key
from bot.core.services import Services
from bot.texts import CATALOGS, Language, as_language, t

log = logging.getLogger("chibo.webapp")

STATIC = Path(__file__).parent / "static"
PREFIX = "/console"
MAX_BODY = 16 * 1024
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'")
_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
SERVICES: web.AppKey[Callable[[], Services]] = web.AppKey("services")
TOKEN = web.AppKey("token", str)


@dataclass(frozen=True)
class Caller:
    services: Services
    actor: Actor
    lang: Language


def _json(data: Any, status: int = 200) -> web.Response:
    response = web.Response(text=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                            status=status, content_type="application/json",
                            headers={"Cache-Control": "no-store"})
    response.enable_compression()  # a 150-name roll call is a few KB gzipped
    return response


def _refusal(status: int, text: str) -> web.Response:
    return _json({"error": text}, status)


async def _caller(request: web.Request) -> Caller:
    services = request.app[SERVICES]()
    header = request.headers.get("Authorization", "")
    scheme, _, init_data = header.partition(" ")
    if scheme.lower() != "tma":
        init_data = request.query.get("tma", "")  # a download link, opened without headers
    max_age = timedelta(hours=services.config.webapp.max_age_hours)
    try:
        user = validate(init_data.strip(), request.app[TOKEN], services.clock.now(), max_age)
    except InitDataRejected as err:
        log.info("console: init data refused (%s)", err)
        raise web.HTTPUnauthorized(text=json.dumps(
            {"error": t(services.config.bot.language, "console_unauthorized")},
            ensure_ascii=False), content_type="application/json") from None
    actor = await services.actor(user.telegram_user_id)
    lang = as_language(actor.language, services.config.bot.language)
    console.require_console(actor)
    return Caller(services, actor, lang)


Route = Callable[[web.Request, Caller], Awaitable[web.StreamResponse]]


def api(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Authenticate, run ``route``, turn domain refusals into their text."""

    async def handle(request: web.Request) -> web.StreamResponse:
        lang: Language = request.app[SERVICES]().config.bot.language
        try:
            caller = await _caller(request)
            lang = caller.lang
            return await route(request, caller)
        except web.HTTPException:
            raise
        except Denied as err:
            return _refusal(403, t(lang, err.key, **err.params))
        except NotFound as err:
            return _refusal(404, t(lang, err.key, **err.params))
        except AppError as err:
            return _refusal(400, t(lang, err.key, **err.params))
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            return _refusal(400, t(lang, "console_bad_request"))
        except Exception:
            log.exception("console: unexpected error")
            return _refusal(500, t(lang, error_text_key()))

    return handle


async def _body(request: web.Request) -> dict[str, Any]:
    data = await request.json()
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


def _id(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValueError(key)
    return value


# --- routes ---------------------------------------------------------------------------------


# Chat texts the page shows as they are (the roll call's own words, one catalog).
SHARED_TEXTS = ("rollcall_btn_add", "rollcall_ask_add", "rollcall_btn_correct",
                "rollcall_ask_correction", "rollcall_correcting", "rollcall_guest",
                "rollcall_guest_absent")


async def me(request: web.Request, c: Caller) -> web.StreamResponse:
    catalog = CATALOGS[c.lang]
    texts = {k.removeprefix("console_ui_"): v for k, v in catalog.items()
             if k.startswith("console_ui_")}
    texts.update({k: catalog[k] for k in SHARED_TEXTS})
    return _json({"lang": c.lang, "texts": texts,
                  "home": await console.home(c.services, c.actor, c.lang)})


async def rollcall(request: web.Request, c: Caller) -> web.StreamResponse:
    return _json(await console.rollcall_view(c.services, c.actor, _id(request, "meeting"),
                                             c.lang))


async def rollcall_tap(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_tap(c.services, c.actor, _id(request, "meeting"),
                                            int(data["person"]), c.lang))


async def rollcall_reason(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_reason(c.services, c.actor, _id(request, "meeting"),
                                               int(data["person"]), _text(data, "reason"),
                                               c.lang))


async def rollcall_times(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_times(c.services, c.actor, _id(request, "meeting"),
                                              _text(data, "text"), c.lang))


async def rollcall_role(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_role(c.services, c.actor, _id(request, "meeting"),
                                             _text(data, "role"), _text(data, "name")))


async def rollcall_close(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request) if request.can_read_body else {}
    return _json(await console.rollcall_close(c.services, c.actor, _id(request, "meeting"),
                                              c.lang, confirmed=data.get("confirmed") is True))


async def rollcall_add(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_add(c.services, c.actor, _id(request, "meeting"),
                                            _text(data, "name"), c.lang))


async def rollcall_guest(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_guest(c.services, c.actor, _id(request, "meeting"),
                                              int(data["guest"])))


async def rollcall_reopen(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.rollcall_reopen(c.services, c.actor, _id(request, "meeting"),
                                               _text(data, "reason"), c.lang))


async def members(request: web.Request, c: Caller) -> web.StreamResponse:
    return _json(await console.members_view(c.services, c.actor, _id(request, "unit"), c.lang))


async def member(request: web.Request, c: Caller) -> web.StreamResponse:
    return _json(await console.member_record(c.services, c.actor, _id(request, "membership"),
                                             c.lang))


async def member_correct(request: web.Request, c: Caller) -> web.StreamResponse:
    data = await _body(request)
    return _json(await console.member_correct(c.services, c.actor, _id(request, "membership"),
                                              _text(data, "field"), _text(data, "value"),
                                              c.lang))


def _year(request: web.Request) -> int | None:
    text = request.query.get("year", "")
    return int(text) if text else None


async def year(request: web.Request, c: Caller) -> web.StreamResponse:
    return _json(await console.committee_year(c.services, c.actor,
                                              request.query.get("scope") or None,
                                              _year(request), c.lang))


async def export(request: web.Request, c: Caller) -> web.StreamResponse:
    name, data = await console.committee_export(c.services, c.actor,
                                                request.query.get("scope") or None,
                                                _year(request), c.lang)
    return web.Response(body=data, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("name") or "index.html"
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise web.HTTPNotFound()
    response = web.Response(body=path.read_bytes(), headers={
        "Content-Type": _TYPES.get(path.suffix, "application/octet-stream") + "; charset=utf-8",
        "Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})
    response.enable_compression()
    return response


def web_application(services: Callable[[], Services], token: str) -> web.Application:
    """The console as an aiohttp application (the runtime decides where it listens)."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app[TOKEN] = token
    get, post = app.router.add_get, app.router.add_post
    get(f"{PREFIX}/", static)
    get(f"{PREFIX}/static/{{name}}", static)
    get(f"{PREFIX}/api/me", api(me))
    get(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}", api(rollcall))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/tap", api(rollcall_tap))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/reason", api(rollcall_reason))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/times", api(rollcall_times))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/role", api(rollcall_role))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/close", api(rollcall_close))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/add", api(rollcall_add))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/guest", api(rollcall_guest))
    post(f"{PREFIX}/api/rollcall/{{meeting:\\d+}}/reopen", api(rollcall_reopen))
    get(f"{PREFIX}/api/members/{{unit:\\d+}}", api(members))
    get(f"{PREFIX}/api/member/{{membership:\\d+}}", api(member))
    post(f"{PREFIX}/api/member/{{membership:\\d+}}", api(member_correct))
    get(f"{PREFIX}/api/year", api(year))
    get(f"{PREFIX}/api/export", api(export))
    return app
