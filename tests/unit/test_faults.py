"""Which errors are faults of the machine (one line naming the cause) and which are bugs
(a traceback)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from psycopg import errors as pg_errors
from psycopg_pool import PoolTimeout
from telegram.error import BadRequest, NetworkError, TimedOut

from handlers.errors import fault_of
from storage.db import DatabaseUnavailable
from storage.faults import database_fault


@pytest.mark.parametrize(("error", "cause"), [
    (sqlite3.OperationalError("database or disk is full"), "the database disk is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"),
     "the database is read-only"),
    (sqlite3.OperationalError("disk I/O error"), "the database disk failed (I/O error)"),
    (pg_errors.DiskFull("could not extend file"), "the database disk is full"),
    (pg_errors.ReadOnlySqlTransaction("read-only"), "the database is read-only"),
    (pg_errors.AdminShutdown("terminating connection"),
     "the database server shut down or restarted"),
    (psycopg.OperationalError("connection refused"), "the database server could not be reached"),
    (PoolTimeout("couldn't get a connection after 30.00 sec"),
     "no database connection came free in time (pool timeout)"),
    (DatabaseUnavailable("db.example:5432: refused"),
     "the database is unreachable (db.example:5432: refused)"),
])
def test_database_faults_are_named(error: Exception, cause: str) -> None:
    assert database_fault(error) == cause
    assert fault_of(error) is not None


def test_a_wrapped_fault_is_still_its_cause() -> None:
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("could not save") from inner
    except RuntimeError as outer:
        assert database_fault(outer) == "the database disk is full"


@pytest.mark.parametrize("error", [
    sqlite3.IntegrityError("UNIQUE constraint failed"), pg_errors.UniqueViolation("dup"),
    pg_errors.UndefinedColumn("no column"), ValueError("bug"),
    BadRequest("Can't parse entities"),
])
def test_bugs_are_not_faults(error: Exception) -> None:
    assert fault_of(error) is None


@pytest.mark.parametrize(("error", "words"), [
    (NetworkError("Bad Gateway"), "Telegram could not be reached"),
    (TimedOut("Timed out"), "did not answer in time"),
    (TimedOut("Pool timeout: All connections in the connection pool are occupied."),
     "pool timeout"),
])
def test_telegram_faults_are_warnings(error: Exception, words: str) -> None:
    fault = fault_of(error)
    assert fault is not None and words in fault[1]
