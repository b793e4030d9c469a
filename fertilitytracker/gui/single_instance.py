"""One window per journal: a second launch brings the first window forward instead.

The first launch on a journal takes a lock file and listens on a local socket (QLocalServer,
readable by this user only). Both live in this user's private runtime folder
($XDG_RUNTIME_DIR, else QStandardPaths' runtime location, else a folder of our own; always
checked to be a real folder owned by this user with mode 0700), never in the shared temporary
folder where another user could take the name first. A later launch on the same journal finds
the lock taken, checks that the socket belongs to this user, asks the first one to come
forward, and returns None: its caller then exits. A lock left by a process that is gone
(SIGKILL, SIGTERM, a crash) is stale and taken over. Only local sockets are used: nothing here
touches the network.

`ExternalWriteWatcher` covers the other half of "one writer": when the command line writes to
the journal while the app runs, the app notices (SQLite's data_version) and reloads.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

# Only what the check before the first window needs: Qt's enum namespace, QStandardPaths and
# QTimer (milliseconds of type creation each) are imported where they are used.
from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from fertilitytracker.paths import default_data_dir, make_private_dirs

if TYPE_CHECKING:
    # Checked before the window shows: the journal's layers (sqlite-utils) load after it.
    from fertilitytracker.gui.context import AppContext

ACTIVATE = b"activate\n"
ACKNOWLEDGED = b"ok\n"
HANDOVER_TIMEOUT_MS = 3000
WATCH_INTERVAL_MS = 2000


def instance_key(journal_path: Path) -> str:
    """The name of the lock and socket for this user and this journal file."""
    resolved = str(Path(journal_path).expanduser().resolve())
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}\0{resolved}".encode()).hexdigest()[:24]
    return f"fertilitytracker-{digest}"


def _is_private_folder(folder: Path) -> bool:
    """A real folder (not a link) owned by this user that nobody else may enter."""
    try:
        status = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode):
        return False
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return False
    return sys.platform == "win32" or stat.S_IMODE(status.st_mode) & 0o077 == 0


def _candidate_runtime_folders() -> list[Path]:
    candidates: list[Path] = []
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and _is_private_folder(Path(xdg)):
        candidates.append(Path(xdg) / "fertilitytracker")
    elif not sys.platform.startswith("linux"):
        # Elsewhere Qt's runtime location is per user already (on Linux, without
        # XDG_RUNTIME_DIR, Qt would fall back to the shared temporary folder with a warning).
        from PySide6.QtCore import QStandardPaths

        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
        if location:
            candidates.append(Path(location) / "fertilitytracker")
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    candidates.append(Path(tempfile.gettempdir()) / f"fertilitytracker-{user}")
    candidates.append(default_data_dir() / "run")
    return candidates


def runtime_dir() -> Path:
    """This user's private folder for the lock and socket, created 0700 when missing.

    A candidate that exists but is not private (another user's, a symlink, group-readable)
    is skipped, never used or changed.
    """
    for candidate in _candidate_runtime_folders():
        try:
            if not candidate.exists() and not candidate.is_symlink():
                make_private_dirs(candidate)
        except OSError:
            continue
        if _is_private_folder(candidate):
            return candidate
    raise OSError("no private runtime folder is available for the single-instance lock")


def _socket_is_ours(path: str) -> bool:
    """Whether the socket at `path` is a socket owned by this user (on Unix)."""
    if not hasattr(os, "getuid"):
        return True  # Windows named pipes: the runtime folder check does not apply
    try:
        status = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(status.st_mode) and status.st_uid == os.getuid()


def bring_to_front(window: QWidget) -> None:
    """Show `window` un-minimized, raised and active (as far as the window manager allows)."""
    from PySide6.QtCore import Qt

    # Clearing only the minimized flag keeps a maximized window maximized.
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """The first instance on a journal: emits `activation_requested` when launched again."""

    activation_requested = Signal()

    def __init__(self, key: str, lock: QLockFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # `key` is a full path in the private runtime folder (a plain name on Windows).
        self.key = key
        self._lock = lock
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A crashed first instance leaves its socket file behind; the lock says it is ours now.
        QLocalServer.removeServer(key)
        self.listening = self._server.listen(key)
        self._server.newConnection.connect(self._accept)

    def attach(self, window: QWidget) -> None:
        """Bring `window` forward whenever another launch asks for it."""
        self.activation_requested.connect(lambda: bring_to_front(window))

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():
                self._read(connection)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            return
        if bytes(connection.readLine().data()) == ACTIVATE:
            connection.write(ACKNOWLEDGED)
            connection.flush()
            self.activation_requested.emit()
        connection.disconnectFromServer()

    def close(self) -> None:
        """Stop listening and release the lock (also done when the app quits)."""
        self._server.close()
        self._lock.unlock()


def _hand_over(key: str, timeout_ms: int) -> bool:
    """Ask the running instance to come forward; True once it acknowledged.

    A socket that is not this user's is never spoken to.
    """
    if not _socket_is_ours(key):
        return False
    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(ACTIVATE)
    socket.waitForBytesWritten(timeout_ms)  # False when flushed at once: that is fine too
    if socket.bytesAvailable() == 0:
        socket.waitForReadyRead(timeout_ms)
    reply = bytes(socket.readAll().data())
    socket.abort()
    return reply.startswith(ACKNOWLEDGED)


def ensure_single_instance(
    journal_path: Path, timeout_ms: int = HANDOVER_TIMEOUT_MS
) -> SingleInstance | None:
    """Become the one instance on `journal_path`, or hand over to the one already running.

    Returns a SingleInstance (keep it alive for the life of the app and connect
    `activation_requested`, or call `attach(window)`), or None when another instance on the
    same journal was asked to come forward: the caller should then exit with status 0.
    If a running instance holds the lock but does not answer (hung), this one goes on as a
    second instance rather than leaving the person with no window: WAL and the busy timeout
    keep two writers safe. Needs a QCoreApplication.
    """
    name = instance_key(journal_path)
    folder = runtime_dir()
    # Short names: a Unix socket path must fit in about 100 bytes.
    short = name.removeprefix("fertilitytracker-")
    key = name if sys.platform == "win32" else str(folder / f"{short}.sock")
    lock = QLockFile(str(folder / f"{short}.lock"))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however long it ran
    if lock.tryLock(0):
        return SingleInstance(key, lock)
    if _hand_over(key, timeout_ms):
        return None
    return SingleInstance(f"{key}-second", QLockFile(lock.fileName() + ".second"))


class ExternalWriteWatcher(QObject):
    """Notices commits by other processes (e.g. the command line) and reloads the context.

    Polls SQLite's `data_version` (cheap: no disk read when nothing changed). Construct it with
    the AppContext once the journal is open; it follows `journal_replaced` by itself.
    """

    def __init__(self, context: AppContext, interval_ms: int = WATCH_INTERVAL_MS) -> None:
        from PySide6.QtCore import QTimer

        super().__init__(context)
        self._context = context
        self._version = self._read()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        context.journal_replaced.connect(self._rebase)

    def _read(self) -> int | None:
        from fertilitytracker.storage.database import data_version

        try:
            return data_version(self._context.journal.db)
        except Exception:  # a closed or replaced journal: try again next time
            return None

    def _rebase(self) -> None:
        self._version = self._read()

    def poll(self) -> bool:
        """Reload the context if another process wrote since the last poll; True if it did."""
        version = self._read()
        changed = version is not None and self._version is not None and version != self._version
        self._version = version
        if changed:
            self._context.reload()
        return changed
