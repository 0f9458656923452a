"""Every uploaded file enters through one router (handlers/uploads.py), which picks the
feature by the pending input the file answers, then by the command of its caption."""

from __future__ import annotations

import pytest
from telegram.ext import Application, MessageHandler

import handlers
from bot.core.inputs import Pending
from handlers import imports, meetings, uploads


@pytest.mark.parametrize(("caption", "command"), [
    (None, "/import"), ("", "/import"), ("/import", "/import"), ("/IMPORT ds", "/import"),
    ("/import@chibo_bot", "/import"), ("danh sách chi bộ", "/import"), ("/nope", "/import"),
])
def test_a_caption_names_the_feature_and_anything_else_is_an_import(
        caption: str | None, command: str) -> None:
    assert uploads.caption_command(caption) == command
    assert uploads.BY_CAPTION[command] is imports.on_document


def test_a_file_asked_for_goes_to_the_feature_that_asked() -> None:
    assert uploads.FOR_PENDING[meetings.MeetingDocument] is meetings.attach_file
    assert all(issubclass(kind, Pending) for kind in uploads.FOR_PENDING)


def test_files_and_photos_have_one_entry() -> None:
    app = Application.builder().token("1:test").build()
    handlers.register(app)  # type: ignore[arg-type]
    entries = [h.callback for group in app.handlers.values() for h in group
               if isinstance(h, MessageHandler) and h.callback.__module__ == "handlers.uploads"]
    assert entries == [uploads.on_file]
    assert not hasattr(meetings, "on_file")
