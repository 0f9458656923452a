"""Text helpers: UTF-16 lengths, bot_command entities, Telegram HTML parse_mode."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .errors import ApiError, bad_request

_COMMAND = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[Entity]:
    """``bot_command`` entities like Telegram adds to user messages/captions."""
    out: list[Entity] = []
    for match in _COMMAND.finditer(text):
        out.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return out


_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []

    def _fail(self, what: str) -> ApiError:
        return bad_request(f"can't parse entities: {what}")

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SIMPLE:
            raise self._fail(f'Unsupported start tag "{tag}"')
        attr = dict(attrs)
        if tag == "span" and attr.get("class") != "tg-spoiler":
            raise self._fail('Unsupported start tag "span"')
        self.stack.append((tag, self.length, attr))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            expected = self.stack[-1][0] if self.stack else ""
            raise self._fail(f'Unmatched end tag "{tag}", expected "</{expected}>"')
        _, start, attr = self.stack.pop()
        length = self.length - start
        if length == 0:
            return
        entity: Entity = {"type": _SIMPLE[tag], "offset": start, "length": length}
        if tag == "a":
            entity["url"] = attr.get("href") or ""
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attr.get("emoji-id") or ""
        elif tag == "blockquote" and "expandable" in attr:
            entity["type"] = "expandable_blockquote"
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre":
            lang = (attr.get("class") or "").removeprefix("language-")
            if lang:
                self.stack[-1][2]["language"] = lang
            return
        elif tag == "pre" and attr.get("language"):
            entity["language"] = attr["language"]
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise self._fail('Unsupported start tag "" (unescaped "<" or ">")')
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        self._emit(_NAMED.get(name, f"&{name};"))

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self._emit(chr(code))
        except (ValueError, OverflowError):
            self._emit(f"&#{name};")


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML subset into plain text + entities, or raise 400."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise parser._fail(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
        )
    parser.entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), parser.entities


def render(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Apply parse_mode (only HTML is interpreted; Markdown is kept verbatim)."""
    if entities:
        return text, entities
    if parse_mode and parse_mode.upper() == "HTML":
        return parse_html(text)
    return text, []
