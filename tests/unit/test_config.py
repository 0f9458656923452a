"""Configuration: every bad key is reported in one line naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.config import ConfigError, load_config, parse_offset
from bot.runtime.cli import main
from bot.texts import Texts

WEBHOOK = '[webhook]\nurl = "https://x.org/hook"\nlisten = "127.0.0.1"\nport = 8443'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_documented_defaults() -> None:
    config = load_config(Path(__file__).parents[2] / "config.example.toml")
    assert config.bot.timezone == "Asia/Ho_Chi_Minh"
    assert config.bot.language == "vi"
    assert config.delivery.messages_per_second == 25
    assert config.meetings.reminder_offsets == ["3d", "2h"]
    assert config.duties.schedule == "0 8 1 * *"
    assert config.token() is None


def test_empty_file_gives_defaults_and_relative_db_path(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.database.path == tmp_path.resolve() / "chibo.sqlite3"


# Every kind of bad configuration: (file text, the key named, the English problem). The
# same cases run through `chibo` in both languages below.
BAD_CONFIGS = [
    ('[bot]\ntimezone = "Mars/Olympus"', "bot.timezone", "unknown time zone 'Mars/Olympus'"),
    ('[bot]\nlanguage = "fr"', "bot.language", "must be one of: 'vi', 'en' (got 'fr')"),
    ('[bot]\nadmins = ["abc"]', "bot.admins.0", "must be a whole number (got 'abc')"),
    ("[bot]\nadmins = [1.5]", "bot.admins.0", "must be a whole number (got 1.5)"),
    ('[bot]\nadmins = "123"', "bot.admins", "must be a list in square brackets"),
    ('[bot]\ntimezon = "Asia/Ho_Chi_Minh"', "bot.timezon", "unknown key"),
    ("bot = 3", "bot", "must be a section with its keys below it"),
    ("[delivery]\nmessages_per_second = 0", "delivery.messages_per_second",
     "must be greater than 0 (got 0)"),
    ('[delivery]\nmessages_per_second = "fast"', "delivery.messages_per_second",
     "must be a number (got 'fast')"),
    ("[delivery]\nconcurrency = 0", "delivery.concurrency", "must be at least 1 (got 0)"),
    ('[webapp]\nenabled = "maybe"', "webapp.enabled", "must be true or false (got 'maybe')"),
    ("[bot]\ntimezone = 7", "bot.timezone", "must be a string in double quotes"),
    ('[meetings]\nreminder_offsets = ["3x"]', "meetings.reminder_offsets.0",
     "'3x' is not a duration"),
    ('[duties]\nschedule = "every day"', "duties.schedule",
     "'every day' is not a cron expression"),
    ('[telegram]\nbase_url = "ftp://x"', "telegram.base_url",
     "'ftp://x' must start with http:// or https://"),
    ('[telegram]\nproxy_url = "ftp://proxy"', "telegram.proxy_url", "must be an http:// proxy"),
    ("[nonsense]\nx = 1", "nonsense", "unknown key"),
    (f'{WEBHOOK}\nsecret_token = "a"\nproxy = true', "webhook.proxy", "unknown key"),
    (WEBHOOK, "webhook.secret_token", "this required key is missing"),
    ('[webhook]\nurl = "https://x.org/hook"', "webhook.listen", "this required key is missing"),
    (f'{WEBHOOK}\nsecret_token = "not secret!"', "webhook.secret_token",
     "must be 1 to 256 characters, each A-Z,"),
    (f'{WEBHOOK}\nsecret_token = "{"a" * 257}"', "webhook.secret_token", "must be 1 to 256"),
    (f'{WEBHOOK}\nsecret_token = ""', "webhook.secret_token", "must be 1 to 256"),
    (WEBHOOK.replace("https://x.org", "http://x.org") + '\nsecret_token = "a"', "webhook.url",
     "must be a public https:// URL"),
    (WEBHOOK.replace("/hook", "/hook?x=1") + '\nsecret_token = "a"', "webhook.url",
     "must not have a query or a fragment"),
    (WEBHOOK.replace("8443", "70000") + '\nsecret_token = "a"', "webhook.port",
     "must be at most 65535 (got 70000)"),
    (WEBHOOK.replace('"127.0.0.1"', '""') + '\nsecret_token = "a"', "webhook.listen",
     "must have at least 1 character"),
    ('[webapp]\nlisten = "9000"', "webapp.listen", "'9000' is not host:port"),
    ('[webapp]\npublic_url = "chibo.example.org"', "webapp.public_url",
     "must be the https:// address"),
    ('[database]\nurl = "mysql://chibo@db/chibo"', "database.url",
     "must start with postgresql://"),
    ("[zalo]\nenabled = true", "zalo.token", "set ZALO_BOT_TOKEN in the environment"),
    ("[bot\n", "config.toml", "not valid TOML: error at line 1, column 5"),
    ("a = [1,", "config.toml", "not valid TOML: error at the end of the file"),
]
# What a Vietnamese line must not contain: pydantic's and our former English wording.
ENGLISH = re.compile(r"Input should|Field required|unknown key|\bmust\b|config error|"
                     r"\bnot valid\b|\bis not\b|\bgot\b|Value error", re.IGNORECASE)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "ZALO_WEBHOOK_SECRET",
                 "CHIBO_WEBHOOK_PORT", "CHIBO_WEBAPP_LISTEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("text", "key", "expected"), BAD_CONFIGS)
def test_bad_key_is_named(tmp_path: Path, text: str, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert key.endswith(info.value.key) or info.value.key.endswith(key)
    assert str(info.value).startswith(f"config error: {info.value.key}: {expected}")
    assert "\n" not in str(info.value)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("text", "key", "expected"), BAD_CONFIGS)
def test_cli_says_config_errors_in_the_run_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, key: str, expected: str,
) -> None:
    """A configuration error follows --lang, else the file's language, else Vietnamese."""
    path = write(tmp_path, text)
    where = str(path) if key == "config.toml" else key
    assert main(["migrate", "--config", str(path)]) == 2
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and line.startswith(f"Lỗi cấu hình: {where}: ")
    assert not ENGLISH.search(line.removeprefix(f"Lỗi cấu hình: {where}: ")), line
    assert main(["migrate", "--lang", "en", "--config", str(path)]) == 2
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and line.startswith(f"config error: {where}: {expected}")


def test_config_language_is_used_when_the_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --lang: the file's own [bot] language, even when another key is wrong."""
    path = write(tmp_path, '[bot]\nlanguage = "en"\ntimezone = "Mars/Olympus"')
    assert main(["status", "--config", str(path)]) == 2
    assert capsys.readouterr().err.startswith("config error: bot.timezone: unknown time zone")
    assert main(["status", "--lang", "vi", "--config", str(path)]) == 2
    assert capsys.readouterr().err.startswith("Lỗi cấu hình: bot.timezone: không có múi giờ")


def test_unreadable_config_files_are_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'[bot]\nlanguage = "\xff"\n')
    cases = [(tmp_path / "nope.toml", "không có tệp này", "no such file"),
             (tmp_path, "đây là một thư mục", "this is a folder"),
             (binary, "không phải văn bản UTF-8 (ở byte 19)", "not UTF-8 text (at byte 19)")]
    for path, vi, en in cases:
        assert main(["migrate", "--config", str(path)]) == 2
        assert capsys.readouterr().err.startswith(f"Lỗi cấu hình: {path}: {vi}")
        assert main(["migrate", "--lang", "en", "--config", str(path)]) == 2
        assert capsys.readouterr().err.startswith(f"config error: {path}: {en}")


def test_every_problem_a_config_error_can_name_is_in_both_catalogs() -> None:
    """Every catalog key written in the configuration's modules, and every pydantic error
    type mapped, exists in both languages and asks only for parameters the code gives."""
    import ast
    import string

    from bot.core import config, config_errors
    from bot.texts import CATALOGS

    keys = {node.value for module in (config, config_errors)
            for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value.startswith("config_")}
    assert set(config_errors.PYDANTIC_PROBLEMS.values()) <= keys and len(keys) > 30
    given = {"limit", "allowed", "value", "env", "reason", "line", "column", "position",
             "detail"}
    for lang, catalog in CATALOGS.items():
        assert sorted(keys - set(catalog)) == [], lang
        for key in keys - {"config_error", "config_problem_got"}:
            names = {name for _, name, _, _ in string.Formatter().parse(catalog[key]) if name}
            assert names <= given, key


SECRET_KEYS = {("telegram", "token"), ("telegram", "proxy_url"), ("database", "url"),
               ("webhook", "url"), ("webhook", "secret_token"), ("zalo", "webhook_url")}
TOML_VALUES = st.recursive(
    st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(), st.booleans(),
              st.text(max_size=12), st.dates()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                  max_size=2),
    max_leaves=4)


@st.composite
def config_files(draw: st.DrawFn) -> dict[str, object]:
    """Any TOML a typo can make: known sections and keys (sometimes misspelt) with any
    value, sometimes a section that is not a table."""
    from bot.core.config import Config

    data: dict[str, object] = {}
    for section in draw(st.lists(st.sampled_from(sorted(Config.model_fields)), max_size=3)):
        model = Config.model_fields[section].annotation
        fields = sorted(getattr(model, "model_fields", {"x": None})
                        if isinstance(model, type) else {"x": None})
        if section == "webhook":
            fields = ["url", "listen", "port", "secret_token"]
        keys = st.sampled_from(fields) | st.sampled_from(fields).map(lambda key: key + "s")
        if draw(st.integers(0, 9)) == 9:  # 9, not 0: hypothesis favours 0
            data[section] = draw(TOML_VALUES)
            continue
        table = draw(st.dictionaries(keys, TOML_VALUES, max_size=4))
        data[section] = {key: (f"zz-secret-{value}" if (section, key) in SECRET_KEYS
                               and isinstance(value, str) else value)
                         for key, value in table.items()}
    return data


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config_files())
def test_any_bad_file_reads_as_one_known_line_in_both_languages(
    clean_env: None, data: dict[str, object],
) -> None:
    """Whatever the file holds: a Config, or a ConfigError with a known problem (never a
    traceback, never pydantic's English), one line in each language, no secret repeated."""
    from bot.core.config import config_from_dict

    try:
        config_from_dict(data)
    except ConfigError as error:
        assert error.problem != "config_invalid_value", str(error)
        for lang in ("vi", "en"):
            line = error.render(Texts(lang))
            assert "zz-secret-" not in line and "\n" not in line
            assert line.startswith(("Lỗi cấu hình: ", "config error: ")[lang == "en"])


def test_an_unexpected_pydantic_error_still_reads_as_one_line() -> None:
    from bot.core.config_errors import from_pydantic

    error = from_pydantic({"type": "uuid_parsing", "loc": ("bot", "x"), "input": "q",
                      "msg": "Input should be a valid UUID"})
    assert error.render(Texts("vi")) == ("Lỗi cấu hình: bot.x: giá trị không hợp lệ "
                                         "(Input should be a valid UUID)")
    assert str(error) == "config error: bot.x: invalid value (Input should be a valid UUID)"


def test_token_from_environment_wins_and_is_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "111:ENVTOKEN")
    config = load_config(write(tmp_path, '[telegram]\ntoken = "222:FILETOKEN"'))
    assert config.token() == "111:ENVTOKEN"
    assert "ENVTOKEN" not in repr(config) and "ENVTOKEN" not in str(config.telegram)


def test_offsets() -> None:
    assert parse_offset("3d").total_seconds() == 3 * 86400
    assert parse_offset("2h").total_seconds() == 7200
    assert parse_offset("45m").total_seconds() == 2700
    with pytest.raises(ValueError):
        parse_offset("0h")


def test_cli_bad_timezone_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[bot]\ntimezone = "Mars/Olympus"')
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("Lỗi cấu hình: bot.timezone: không có múi giờ 'Mars/Olympus' "
                           "(ví dụ Asia/Ho_Chi_Minh)")


def test_cli_without_token_explains_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run", "--config", str(write(tmp_path, ""))]) == 2
    err = capsys.readouterr().err.strip()
    assert "TELEGRAM_BOT_TOKEN" in err and "chibo demo" in err and "\n" not in err


def test_cli_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--config", str(tmp_path / "nope.toml")]) == 2
    assert capsys.readouterr().err.startswith(f"Lỗi cấu hình: {tmp_path / 'nope.toml'}: ")


def test_webhook_section_is_optional_and_documented_in_the_example(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "config.example.toml"
    assert load_config(example).webhook is None
    # Uncommented, the example section is a valid webhook configuration.
    lines = example.read_text(encoding="utf-8").splitlines()
    keys = re.compile(r"^# (\[webhook\]|(url|listen|port|secret_token) = .*)$")
    enabled = [line[2:] if keys.match(line) else line for line in lines]
    webhook = load_config(write(tmp_path, "\n".join(enabled))).webhook
    assert webhook is not None
    assert webhook.url == "https://chibo.example.org/telegram/webhook"
    assert webhook.url_path == "telegram/webhook"
    assert (webhook.listen, webhook.port) == ("127.0.0.1", 8443)
    assert "replace-with" not in repr(webhook)  # the secret is not printed


def test_webhook_secret_is_never_echoed_and_token_not_in_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, f'{WEBHOOK}\nsecret_token = "almost right!"'))
    assert "almost" not in str(info.value) and "almost" not in info.value.render(Texts("vi"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "111:ENVTOKEN")
    text = WEBHOOK.replace("/hook", "/ENVTOKEN") + '\nsecret_token = "a"'
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert str(info.value) == "config error: webhook.url: must not contain the bot token"


def test_database_defaults_to_sqlite_and_url_selects_postgres(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.database.url is None and not config.database.on_server
    assert config.database.target == tmp_path.resolve() / "chibo.sqlite3"
    url = "postgresql://chibo@db.example.org:5432/chibo"
    config = load_config(write(tmp_path, f'[database]\nurl = "{url}"'))
    assert config.database.on_server
    assert config.database.target == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://chibo:hunter2pw@db:5432/chibo",
         "must not contain the password: set it in CHIBO_DATABASE_PASSWORD"),
        ("postgresql://chibo:@db/chibo", "must not contain the password"),
        ("postgresql://chibo@db/chibo?password=hunter2pw", "must not contain the password"),
        ("mysql://chibo@db/chibo", "must start with postgresql://"),
        ("chibo.sqlite3", "must start with postgresql://"),
        ("postgresql://chibo@db:5432", "must name the database"),
        ("postgresql://chibo@db:port/chibo", "is not a URL like postgresql://"),
    ],
)
def test_database_url_is_checked_and_never_echoed(tmp_path: Path, url: str,
                                                  expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, f'[database]\nurl = "{url}"'))
    message = str(info.value)
    assert message.startswith("config error: database.url: ")
    assert expected in message
    assert "hunter2pw" not in message and "\n" not in message
    assert "hunter2pw" not in info.value.render(Texts("vi"))


def test_database_password_comes_from_the_environment_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.core.config import database_password
    from bot.core.logs import REDACTOR

    monkeypatch.delenv("CHIBO_DATABASE_PASSWORD", raising=False)
    assert database_password() is None
    monkeypatch.setenv("CHIBO_DATABASE_PASSWORD", "s3cret-from-env")
    assert database_password() == "s3cret-from-env"
    assert "s3cret-from-env" not in REDACTOR.redact("connect failed: s3cret-from-env")


def test_example_config_documents_the_database_url(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "config.example.toml"
    text = example.read_text(encoding="utf-8")
    assert "CHIBO_DATABASE_PASSWORD" in text
    enabled = text.replace('# url = "postgresql://', 'url = "postgresql://')
    config = load_config(write(tmp_path, enabled))
    assert config.database.url == "postgresql://chibo@db.example.org:5432/chibo"


def test_webhook_port_from_the_environment(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, f'{WEBHOOK}\nsecret_token = "a"')
    monkeypatch.setenv("CHIBO_WEBHOOK_PORT", "8502")
    config = load_config(path)
    assert config.webhook is not None and config.webhook.port == 8502
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert load_config(empty).webhook is None  # no section: nothing made up
    monkeypatch.setenv("CHIBO_WEBHOOK_PORT", "99999")
    with pytest.raises(ConfigError, match=r"webhook\.port"):
        load_config(path)


def test_webapp_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """[webapp]: off by default; listen is host:port; public_url an address;
    CHIBO_WEBAPP_LISTEN gives each worker on a machine its own port."""
    monkeypatch.delenv("CHIBO_WEBAPP_LISTEN", raising=False)
    assert not load_config(write(tmp_path, "")).webapp.enabled
    config = load_config(write(tmp_path, '[webapp]\nenabled = true\nlisten = "10.0.0.5:9000"\n'
                                         'public_url = "https://chibo.example.org/"\n'))
    assert (config.webapp.host, config.webapp.port) == ("10.0.0.5", 9000)
    assert config.webapp.public_url == "https://chibo.example.org"
    assert config.webapp.max_age_hours == 24
    for bad, key in (('listen = "9000"', "webapp.listen"), ('listen = "h:99999"', "webapp.listen"),
                     ('public_url = "chibo.example.org"', "webapp.public_url"),
                     ("max_age_hours = 0", "webapp.max_age_hours"), ("port = 1", "webapp.port")):
        with pytest.raises(ConfigError, match=re.escape(key)):
            load_config(write(tmp_path, f"[webapp]\n{bad}\n"))
    monkeypatch.setenv("CHIBO_WEBAPP_LISTEN", "127.0.0.1:9101")
    assert load_config(write(tmp_path, "[webapp]\nenabled = true\n")).webapp.port == 9101


def test_demo_on_a_bad_database_url_says_one_line_in_its_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`chibo demo --database URL` checks the URL as the configuration does."""
    url = "postgresql://chibo:hunter2pw@db.example.org/chibo"
    assert main(["demo", "--database", url]) == 2
    err = capsys.readouterr().err
    assert err == ("Lỗi cấu hình: database.url: không được chứa mật khẩu: hãy đặt mật khẩu "
                   "trong biến môi trường CHIBO_DATABASE_PASSWORD\n")
    assert main(["demo", "--lang", "en", "--database", url]) == 2
    err = capsys.readouterr().err
    assert err == ("config error: database.url: must not contain the password: set it in "
                   "CHIBO_DATABASE_PASSWORD\n")
