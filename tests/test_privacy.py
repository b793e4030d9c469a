"""Privacy: no network code at all, private files and folders, no health data in logs.

The runtime test runs every command of the command line with internet sockets and name lookups
made to fail; the static test reads every module of the package for network imports.
"""

from __future__ import annotations

import ast
import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import fertilitytracker
from fertilitytracker.cli import EXIT_OK, build_parser, run
from fertilitytracker.storage.encryption import ENV_PASSPHRASE, encryption_available
from tests.builders import umask
from tests.cli.conftest import med_start

PACKAGE_ROOT = Path(fertilitytracker.__file__).parent

SENTINEL_NAME = "sentinelitis"
SENTINEL_NOTE = "privacy-sentinel-note-7731"
SENTINEL_VALUE = "613.7"


# --- the network guard -----------------------------------------------------------------------


class NetworkAttempt(OSError):
    """Raised by the guard: the code under test tried to reach the network."""


@pytest.fixture
def no_network(monkeypatch) -> Iterator[list[str]]:
    """Make every internet connection and name lookup fail, and record the attempts."""
    attempts: list[str] = []

    def refuse(what: str) -> None:
        attempts.append(what)
        raise NetworkAttempt(f"network use refused by the privacy test: {what}")

    def guarded(name: str):
        original = getattr(socket.socket, name)

        def method(self, *args, **kwargs):
            if self.family != socket.AF_UNIX:
                refuse(f"socket.{name}{args!r}")
            return original(self, *args, **kwargs)

        return method

    for name in ("connect", "connect_ex", "sendto", "sendmsg", "bind", "listen"):
        monkeypatch.setattr(socket.socket, name, guarded(name))
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: refuse(f"create_connection{a}")
    )
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(f"getaddrinfo{a}"))
    monkeypatch.setattr(socket, "gethostbyname", lambda *a, **k: refuse(f"gethostbyname{a}"))
    yield attempts


def test_the_guard_catches_internet_sockets_and_allows_local_ones(no_network) -> None:
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    internet = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkAttempt):
        internet.connect(("192.0.2.1", 80))
    internet.close()
    with pytest.raises(NetworkAttempt):
        socket.getaddrinfo("example.org", 443)
    left, right = socket.socketpair(socket.AF_UNIX)
    left.close()
    right.close()
    assert len(no_network) == 3


# --- every command, with the network refused ---------------------------------------------------


LAB_TEXT = Path(__file__).resolve().parent / "fixtures" / "lab_text" / "quest.txt"


def _invocations(journal: Path, fresh: Path, out: Path) -> dict[str, list[list[str]]]:
    """How to run each top-level command once (or more) so that its whole path executes."""
    db, new = ["--db", str(journal)], ["--db", str(fresh)]
    return {
        "demo": [[*db, "demo"]],
        "med": [
            [
                *new,
                *med_start("anastrozole", "0.5", "mg", "daily", "2026-01-05", "--time", "08:00"),
            ],
            [*new, "med", "change", "anastrozole", "--date", "2026-02-01", "--dose", "1"],
            [*new, "med", "list"],
            [*new, "med", "list", "--json"],
        ],
        "dose": [
            [*new, "dose", "anastrozole", "--at", "2026-01-06T08:00"],
            [*new, "dose", "anastrozole", "--at", "2026-01-07T08:00", "--skipped"],
        ],
        "lab": [
            [
                *new,
                "lab",
                "2026-01-05",
                "total_testosterone",
                SENTINEL_VALUE,
                "ng/dL",
                "estradiol",
                "31",
                "pg/mL",
                "lh",
                "4.2",
                "IU/L",
            ]
        ],
        "semen": [
            [
                *new,
                "semen",
                "2026-01-05",
                "--volume",
                "2.5",
                "--concentration",
                "12",
                "--motility",
                "40",
            ]
        ],
        "dexa": [[*new, "dexa", "2026-01-05", "--t-score", "-1.2", "--site", "spine"]],
        "target": [[*new, "target", "estradiol", "20", "40", "pg/mL"]],
        "symptom": [[*new, "symptom", "2026-01-05", SENTINEL_NAME, "4", "--note", SENTINEL_NOTE]],
        "labs": [[*db, "labs"], [*db, "labs", "--json", "--units", "si"], [*new, "labs"]],
        "doses": [[*db, "doses"], [*db, "doses", "--json"]],
        "reminders": [
            [*db, "reminders", "--json", "--today", "2026-06-01"],
            [*db, "reminders", "--today", "2026-06-01", "--ics", str(out / "reminders.ics")],
        ],
        "profile": [
            [*db, "profile", "--name", "Test Patient", "--birth-date", "1980-01-02"],
            [*db, "profile", "--json"],
        ],
        "report": [[*db, "report", str(out / "report.pdf")]],
        "export": [
            [*db, "export", str(out / f"export.{fmt}"), "--format", fmt]
            for fmt in ("json", "csv", "fhir")
        ],
        "import": [
            [*new, "import", str(out / "export.json"), "--format", "json"],
            [*new, "import", str(LAB_TEXT), "--format", "text", "--date-order", "mdy"],
        ],
        "read-lab": [[*db, "read-lab", str(LAB_TEXT), "--date-order", "mdy", "--json"]],
        "check": [[*db, "check"], [*db, "check", "--json"]],
        "backup": [[*db, "backup"], [*db, "backup", str(out / "copy.sqlite3")]],
        "restore": [[*new, "restore", str(out / "copy.sqlite3")]],
        "encrypt": [[*new, "encrypt", "--passphrase-file", str(out.parent / "passphrase.txt")]],
        "decrypt": [[*new, "decrypt", "--passphrase-file", str(out.parent / "passphrase.txt")]],
    }


def _commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices)


# Run in this order: later commands read what earlier ones wrote.
ORDER = [
    "demo",
    "med",
    "dose",
    "lab",
    "semen",
    "dexa",
    "target",
    "symptom",
    "labs",
    "doses",
    "reminders",
    "profile",
    "report",
    "export",
    "import",
    "check",
    "backup",
    "restore",
    "encrypt",
    "decrypt",
]


@pytest.fixture
def private_home(tmp_path: Path, monkeypatch) -> Path:
    """Point every per-user folder at the test's own home, to search it afterwards."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_CONFIG_HOME", ".config"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("FERTILITYTRACKER_DB", raising=False)
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)  # also undoes the test's own setting
    return home


def test_every_command_runs_without_touching_the_network(
    tmp_path: Path, private_home: Path, no_network: list[str], caplog, capsys
) -> None:
    with umask(0o022):  # the usual one: privacy must not depend on a strict umask
        _run_every_command(tmp_path, private_home, no_network, caplog, capsys)


def _run_every_command(tmp_path, private_home, no_network, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    journal = private_home / ".local" / "share" / "fertilitytracker" / "journal.sqlite3"
    fresh = tmp_path / "second" / "journal.sqlite3"
    out = tmp_path / "out"
    out.mkdir()
    invocations = _invocations(journal, fresh, out)
    registered = _commands()
    missing = [name for name in registered if name not in invocations]
    assert not missing, f"add an invocation of {missing} to the privacy test"
    ran = []
    for name in [
        *[n for n in ORDER if n in registered],
        *[n for n in registered if n not in ORDER],
    ]:
        for argv in invocations[name]:
            if name == "import" and not (out / "export.json").exists():
                continue
            if name in ("encrypt", "decrypt"):
                if not encryption_available():
                    continue  # the optional [encryption] extra is not installed
                (tmp_path / "passphrase.txt").write_text("privacy test passphrase\n")
                # The dispatcher opens the encrypted journal before `decrypt` runs.
                os.environ[ENV_PASSPHRASE] = "privacy test passphrase"
            code = run(argv)
            captured = capsys.readouterr()
            assert code == EXIT_OK, f"{argv}: {captured.err}"
            ran.append(name)
    assert no_network == [], f"network use attempted: {no_network}"
    skipped = {"import"} if "export" not in registered else set()
    if not encryption_available():
        skipped |= {"encrypt", "decrypt"}
    assert set(ran) == set(registered) - skipped

    # The journal the default path chose, its folder and its backups are private.
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.parent.stat().st_mode) == 0o700
    backups = journal.parent / "backups"
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert list(backups.iterdir())
    for backup in backups.iterdir():
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600, backup.name
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    # Files written on request (backup copy, exports, report, calendar) are private too.
    for written in out.iterdir():
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written.name

    # No health data in any log record, and none anywhere but the journals and their copies.
    for record in caplog.records:
        message = record.getMessage()
        for secret in (SENTINEL_NAME, SENTINEL_NOTE, SENTINEL_VALUE):
            assert secret not in message, f"health data logged: {message!r}"
    for path in private_home.rglob("*"):
        if not path.is_file() or path.parent == backups:
            continue
        if path.name.startswith(journal.name):
            continue
        content = path.read_bytes()
        for secret in (SENTINEL_NAME, SENTINEL_NOTE):
            assert secret.encode() not in content, f"health data in {path}"
    for log_file in [*private_home.rglob("*.log"), *tmp_path.rglob("*.log")]:
        content = log_file.read_text(errors="replace")
        assert SENTINEL_NAME not in content and SENTINEL_NOTE not in content, log_file


# --- no network code in the package ------------------------------------------------------------

FORBIDDEN_MODULES = (
    "socket",
    "socketserver",
    "ssl",
    "urllib",
    "urllib3",
    "http",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "telnetlib",
    "xmlrpc",
    "websocket",
    "websockets",
    "webbrowser",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets",
)
# QtNetwork is allowed only for the local socket that keeps a single window per journal.
ALLOWED_QTNETWORK_NAMES = {"QLocalServer", "QLocalSocket"}
FORBIDDEN_NAMES = {
    "QNetworkAccessManager",
    "QNetworkRequest",
    "QTcpSocket",
    "QTcpServer",
    "QUdpSocket",
    "QSslSocket",
    "QHostAddress",
    "QHostInfo",
    "QDnsLookup",
    "QAbstractSocket",
}


def network_uses(source: str, filename: str = "<source>") -> list[str]:
    """Each network import or network class named in `source` (empty when there is none)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
            if node.module == "PySide6.QtNetwork" or node.module.endswith(".QtNetwork"):
                extra = {alias.name for alias in node.names} - ALLOWED_QTNETWORK_NAMES
                found += [f"{node.module}.{name}" for name in sorted(extra)]
                continue
            if node.module == "PySide6":
                modules += [f"PySide6.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(node.attr)
            continue
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(node.id)
            continue
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
        ) or (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module"):
            arguments = [a.value for a in node.args if isinstance(a, ast.Constant)]
            modules = [str(a) for a in arguments]
        else:
            continue
        for module in modules:
            if module == "PySide6.QtNetwork":
                if isinstance(node, ast.Import):
                    found.append(module)  # `import PySide6.QtNetwork` would open all of it
                continue
            if any(module == bad or module.startswith(f"{bad}.") for bad in FORBIDDEN_MODULES):
                found.append(module)
    return found


def test_the_static_check_recognises_network_code() -> None:
    assert network_uses("import socket") == ["socket"]
    assert network_uses("from urllib.request import urlopen") == ["urllib.request"]
    assert network_uses("import http.client as h") == ["http.client"]
    assert network_uses("import requests") == ["requests"]
    assert network_uses("__import__('socket')") == ["socket"]
    assert network_uses("from PySide6.QtNetwork import QTcpSocket") == [
        "PySide6.QtNetwork.QTcpSocket"
    ]
    assert network_uses("from PySide6 import QtNetwork\nQtNetwork.QNetworkAccessManager()") == [
        "QNetworkAccessManager"
    ]
    assert network_uses("from PySide6.QtNetwork import QLocalServer, QLocalSocket") == []
    assert network_uses("import sqlite3, json\nfrom pathlib import Path") == []


def test_the_package_contains_no_network_code() -> None:
    modules = sorted(PACKAGE_ROOT.rglob("*.py"))
    assert len(modules) > 10
    offenders = {
        str(path.relative_to(PACKAGE_ROOT)): uses
        for path in modules
        if (uses := network_uses(path.read_text(encoding="utf-8"), str(path)))
    }
    assert offenders == {}
