"""Start at login, minimised to the tray: an XDG autostart entry on Linux and other free desktops.

The entry is `$XDG_CONFIG_HOME/autostart/org.fertilitytracker.FertilityTracker.desktop` (default
`~/.config`; the app id as file name, like the menu entry), made from the shipped desktop entry
with `--minimized` added to its command. From the bundle installed by packaging/install.sh the
command is the installed launcher, `~/.local/bin/fertilitytracker`.
Windows and macOS have no such file here: the README says how to do the same by hand
(a shortcut in the Startup folder; a login item or a LaunchAgent).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path

from fertilitytracker import APP_ID, own_command

ENTRY_NAME = f"{APP_ID}.desktop"
MINIMIZED_OPTION = "--minimized"
_DESKTOP_RESOURCE = f"{APP_ID}.desktop"
# Where packaging/install.sh puts the launcher (a symbolic link to the bundle's binary).
_INSTALLED_LAUNCHER = Path(".local", "bin", "fertilitytracker")
_ICON_RESOURCE = "icon.svg"
# Characters that make an Exec argument need quotes, and those escaped inside the quotes
# (Desktop Entry Specification, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = ("\\", '"', "`", "$")  # the backslash first


def is_supported(platform: str = sys.platform) -> bool:
    """Whether this module can switch autostart on here (XDG desktops: not Windows or macOS)."""
    return not (platform.startswith("win") or platform == "darwin" or platform == "cygwin")


def autostart_dir(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """`$XDG_CONFIG_HOME/autostart`, or `~/.config/autostart` when it is unset or relative."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else None
    if base is None:
        base = (Path.home() if home is None else home) / ".config"
    return base / "autostart"


def entry_path(directory: Path | None = None) -> Path:
    """Where the autostart entry lives."""
    return (autostart_dir() if directory is None else directory) / ENTRY_NAME


def installed_launcher(home: Path | None = None) -> Path | None:
    """The launcher install.sh made, when it leads to the running bundle; otherwise None."""
    if not getattr(sys, "frozen", False):
        return None
    launcher = (Path.home() if home is None else home) / _INSTALLED_LAUNCHER
    try:
        leads_here = launcher.resolve(strict=True) == Path(sys.executable).resolve(strict=True)
    except OSError:
        return None
    return launcher if leads_here else None


def autostart_command(
    journal: Path | None = None, executable: str | None = None, home: Path | None = None
) -> list[str]:
    """The command that starts the app minimised.

    From Python: the running interpreter with `-m fertilitytracker`, which keeps a virtualenv
    install working (`executable` stands in for it). From the bundle: the installed launcher,
    which stays valid when a newer bundle is installed over this one, or else the bundle's own
    binary. `journal` (when the app was opened on a file other than the default) is passed as
    `--db`.
    """
    launcher = installed_launcher(home)
    if launcher is not None:
        command = [str(launcher)]
    elif executable is not None:
        command = [executable, "-m", "fertilitytracker"]
    else:
        command = own_command()
    if journal is not None:
        command += ["--db", str(Path(journal).expanduser().resolve())]
    return [*command, MINIMIZED_OPTION]


def quote_exec_argument(argument: str) -> str:
    """One argument of an Exec line, quoted and escaped as the specification asks."""
    escaped = argument.replace("%", "%%")
    if not escaped or any(char in _RESERVED for char in escaped):
        for char in _ESCAPED_IN_QUOTES:
            escaped = escaped.replace(char, "\\" + char)
        escaped = f'"{escaped}"'
    # The value of a desktop-entry key is itself escaped: a backslash is written twice.
    return escaped.replace("\\", "\\\\")


def exec_line(command: Sequence[str]) -> str:
    """The value of the Exec key for `command`."""
    return " ".join(quote_exec_argument(argument) for argument in command)


def desktop_entry(command: Sequence[str], icon: Path | None = None) -> str:
    """The autostart entry: the shipped desktop entry with our command and autostart keys."""
    template = files("fertilitytracker.resources").joinpath(_DESKTOP_RESOURCE).read_text("utf-8")
    if icon is None:
        icon = Path(str(files("fertilitytracker.resources").joinpath(_ICON_RESOURCE)))
    lines: list[str] = []
    for line in template.splitlines():
        key = line.split("=", 1)[0]
        if key == "Exec":
            line = f"Exec={exec_line(command)}"
        elif key == "TryExec":
            continue  # the command is an interpreter path, checked by Exec itself
        elif key == "Icon":
            line = f"Icon={icon}"
        lines.append(line)
    lines += [
        "X-GNOME-Autostart-enabled=true",
        "Hidden=false",
        "NoDisplay=false",
    ]
    return "\n".join(lines) + "\n"


def is_enabled(directory: Path | None = None) -> bool:
    """Whether our autostart entry exists and is not hidden."""
    path = entry_path(directory)
    if not path.is_file():
        return False
    text = path.read_text("utf-8", errors="replace")
    return "Hidden=true" not in text and "X-GNOME-Autostart-enabled=false" not in text


def enable(
    journal: Path | None = None,
    directory: Path | None = None,
    executable: str | None = None,
) -> Path:
    """Write the autostart entry (mode 0600; the folder is created); returns its path."""
    if not is_supported():
        raise OSError("starting at login is set up by hand on this system (see the README)")
    path = entry_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = desktop_entry(autostart_command(journal, executable))
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)
    return path


def disable(directory: Path | None = None) -> None:
    """Remove the autostart entry (nothing happens when there is none)."""
    entry_path(directory).unlink(missing_ok=True)
