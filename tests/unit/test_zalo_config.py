"""The [zalo] section: token and secret from the environment only, checked at load."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError, config_from_dict
from bot.core.logs import REDACTOR
from bot.texts import Texts


def test_zalo_is_off_by_default() -> None:
    assert config_from_dict({}).zalo.enabled is False


def test_enabled_without_a_token_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    with pytest.raises(ConfigError) as info:
        config_from_dict({"zalo": {"enabled": True}})
    assert str(info.value) == "config error: zalo.token: set ZALO_BOT_TOKEN in the environment"
    assert info.value.render(Texts("vi")) == (
        "Lỗi cấu hình: zalo.token: hãy đặt token trong biến môi trường ZALO_BOT_TOKEN")


def test_token_and_secret_come_from_the_environment_and_are_masked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "998877:zalo-secret-token")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "hook-secret-1234")
    config = config_from_dict({"zalo": {"enabled": True,
                                        "webhook_url": "https://bot.example.org/zalo"}})
    assert config.zalo.bot_token() == "998877:zalo-secret-token"
    assert config.zalo.secret() == "hook-secret-1234"
    assert config.zalo.url_path == "/zalo"
    assert "998877:zalo-secret-token" not in repr(config)
    assert "zalo-secret-token" not in REDACTOR.redact("token 998877:zalo-secret-token")
    assert "hook-secret-1234" not in REDACTOR.redact("secret hook-secret-1234")


def test_a_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "998877:zalo-secret-token")
    monkeypatch.delenv("ZALO_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ConfigError) as info:
        config_from_dict({"zalo": {"enabled": True,
                                   "webhook_url": "https://bot.example.org/zalo"}})
    assert str(info.value) == ("config error: zalo.webhook_secret: set ZALO_WEBHOOK_SECRET "
                               "(8 to 256 characters) in the environment")
    assert info.value.render(Texts("vi")) == (
        "Lỗi cấu hình: zalo.webhook_secret: hãy đặt biến môi trường ZALO_WEBHOOK_SECRET "
        "(8 đến 256 ký tự)")


def test_the_token_is_never_in_the_webhook_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "998877:zalo-secret-token")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "hook-secret-1234")
    with pytest.raises(ConfigError) as info:
        config_from_dict({"zalo": {"enabled": True,
                                   "webhook_url": "https://bot.example.org/zalo-secret-token"}})
    for line in (str(info.value), info.value.render(Texts("vi"))):
        assert line.startswith(("config error: zalo.webhook_url: ",
                                "Lỗi cấu hình: zalo.webhook_url: "))
        assert "zalo-secret-token" not in line


def test_unknown_zalo_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"zalo\.speed: unknown key") as info:
        config_from_dict({"zalo": {"speed": 3}})
    assert info.value.render(Texts("vi")).startswith("Lỗi cấu hình: zalo.speed: không có khóa")
