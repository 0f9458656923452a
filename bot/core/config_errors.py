"""Configuration problems as data: where (the dotted TOML key, or the file), which
problem (a key of the operator catalog) and its parameters.

The command line renders them in the run's language (``ConfigError.render``), so a
Vietnamese operator with a typo in config.toml reads Vietnamese and ``--lang en`` reads
English; ``str()`` of either exception is the English text, for logs and tests.
"""

from __future__ import annotations

import errno
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic_core import ErrorDetails

from bot.texts import Language, Texts, t


class ConfigProblem(ValueError):
    """A validator's complaint as data: the catalog key of the problem and its parameters.

    Pydantic keeps the exception in the error's ``ctx["error"]``, so the line shown to the
    operator is worded in the run's language; ``str()`` is the English text."""

    def __init__(self, problem: str, /, **params: str) -> None:
        self.problem = problem
        self.params = params
        super().__init__(t("en", problem, **params))


class ConfigError(Exception):
    """A configuration problem: where (the dotted TOML key, or the file), what (a catalog
    key and its parameters) and, when it may be shown, the value found.

    ``render(texts)`` is the single line shown to the operator in the run's language;
    ``str()`` is the same line in English. ``language`` is the file's ``[bot] language``
    when it could be read (the run's language when ``--lang`` is not given)."""

    def __init__(self, key: str, problem: str, params: Mapping[str, str] | None = None,
                 *, got: str | None = None) -> None:
        self.key = key
        self.problem = problem
        self.params: dict[str, str] = dict(params or {})
        self.got = got
        self.language: Language | None = None
        super().__init__(self.render(Texts("en")))

    def render(self, texts: Texts) -> str:
        """One line whatever the file held (a value may span lines)."""
        problem = texts(self.problem, **self.params)
        if self.got is not None:
            problem = texts("config_problem_got", problem=problem, value=self.got)
        return " ".join(texts("config_error", key=self.key, problem=problem).split())


# Pydantic's own error types that a configuration file can produce, as catalog keys;
# their limits (ctx) become the texts' parameters. Anything else: config_invalid_value.
PYDANTIC_PROBLEMS: dict[str, str] = {
    "missing": "config_missing",
    "extra_forbidden": "config_unknown_key",
    "int_type": "config_not_integer",
    "int_parsing": "config_not_integer",
    "int_parsing_size": "config_not_integer",
    "int_from_float": "config_not_integer",
    "float_type": "config_not_number",
    "float_parsing": "config_not_number",
    "finite_number": "config_not_number",
    "bool_type": "config_not_bool",
    "bool_parsing": "config_not_bool",
    "string_type": "config_not_string",
    "path_type": "config_not_string",
    "list_type": "config_not_list",
    "dict_type": "config_not_table",
    "model_type": "config_not_table",
    "model_attributes_type": "config_not_table",
    "greater_than": "config_greater_than",
    "greater_than_equal": "config_greater_than_equal",
    "less_than": "config_less_than",
    "less_than_equal": "config_less_than_equal",
    "literal_error": "config_one_of",
    "too_short": "config_too_few",
    "too_long": "config_too_many",
    "string_too_short": "config_string_too_short",
    "string_too_long": "config_string_too_long",
}
# The parameter each limit gives its text: pydantic's ctx name -> ours.
_LIMITS = {"gt": "limit", "ge": "limit", "lt": "limit", "le": "limit",
           "min_length": "limit", "max_length": "limit", "expected": "allowed"}
# Keys whose value is never repeated in a message: a URL may hold a password or the token.
_NOT_ECHOED = frozenset({"token", "secret_token", "url", "proxy_url", "webhook_url",
                         "webhook_secret"})


def _toml_value(value: object) -> str:
    """A value as the operator writes it in config.toml: ``true``, ``8443``, ``'3x'``.
    Numbers stay in TOML's form (no thousands separator): they are typed back into the
    file, where ``65.535`` would be a different number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def from_pydantic(err: ErrorDetails) -> ConfigError:
    """Pydantic's first error as a ConfigError naming the dotted key."""
    key = ".".join(str(part) for part in err["loc"])
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, ConfigProblem):
        return ConfigError(key, cause.problem, cause.params)
    problem = PYDANTIC_PROBLEMS.get(err["type"])
    if problem is None:  # a type no config is expected to produce: pydantic's own words
        detail = str(err["msg"]).removeprefix("Value error, ")
        return ConfigError(key, "config_invalid_value", {"detail": detail})
    params = {ours: (_toml_value(ctx[theirs]) if theirs != "expected"
                     else str(ctx[theirs]).replace(" or ", ", "))
              for theirs, ours in _LIMITS.items() if theirs in ctx}
    value = err.get("input")
    shown = (problem not in ("config_missing", "config_unknown_key")
             and str(err["loc"][-1]) not in _NOT_ECHOED
             and isinstance(value, str | int | float))
    return ConfigError(key, problem, params, got=_toml_value(value) if shown else None)


_UNREADABLE = {errno.ENOENT: "config_file_missing", errno.EACCES: "config_file_denied",
               errno.EPERM: "config_file_denied", errno.EISDIR: "config_file_is_folder"}
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_error(path: Path, exc: OSError) -> ConfigError:
    problem = _UNREADABLE.get(exc.errno or 0)
    if problem is None:
        return ConfigError(str(path), "config_file_unreadable",
                           {"reason": exc.strerror or type(exc).__name__})
    return ConfigError(str(path), problem)


def toml_error(path: Path, exc: tomllib.TOMLDecodeError) -> ConfigError:
    """Where the TOML goes wrong (tomllib's own words are English only)."""
    at = _TOML_AT.search(str(exc))
    if at is None:
        return ConfigError(str(path), "config_toml_at_end")
    return ConfigError(str(path), "config_toml_invalid", {"line": at[1], "column": at[2]})
