"""Request parsing: query string, urlencoded/multipart forms and JSON bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "allowed_updates",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "media",
        "message_ids",
        "results",
        "menu_button",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "user_id",
        "message_thread_id",
        "cache_time",
        "from_chat_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "show_alert",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
    }
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    ctype = request.content_type
    if request.method == "POST" and request.can_read_body:
        if ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise bad_request("can't parse JSON object") from None
            if isinstance(body, dict):
                params.update(body)
        elif ctype.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                raw = await part.read(decode=True)
                if part.filename is not None:
                    ctype_part = part.headers.get("Content-Type")
                    uploads[part.name] = Upload(part.filename, ctype_part, bytes(raw))
                else:
                    params[part.name] = bytes(raw).decode("utf-8")
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = value
                elif isinstance(value, web.FileField):
                    uploads[key] = Upload(value.filename, value.content_type, value.file.read())
    return normalise(params), uploads


def normalise(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif key in INT_FIELDS:
                try:
                    value = int(value)
                except ValueError:
                    if key != "chat_id":  # "@channelusername" stays a string
                        raise bad_request(f"invalid {key} specified") from None
            elif key in BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        out[key] = value
    return out
