"""Start at login: the XDG autostart entry (gui/autostart.py)."""

from __future__ import annotations

import shlex
import stat
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest

from fertilitytracker import APP_ID
from fertilitytracker.gui import autostart

pytestmark = pytest.mark.gui


def read_entry(path: Path) -> dict[str, str]:
    parser = ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text("utf-8"))
    return dict(parser["Desktop Entry"])


def test_autostart_dir_follows_xdg_config_home(tmp_path: Path) -> None:
    assert autostart.autostart_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "autostart"
    home = tmp_path / "home"
    assert autostart.autostart_dir({}, home=home) == home / ".config" / "autostart"
    # A relative XDG_CONFIG_HOME is invalid per the specification and ignored.
    assert autostart.autostart_dir({"XDG_CONFIG_HOME": "rel"}, home=home) == (
        home / ".config" / "autostart"
    )


def test_enable_writes_a_private_entry_that_starts_minimised(tmp_path: Path) -> None:
    journal = tmp_path / "my journal.sqlite3"
    folder = tmp_path / "autostart"
    path = autostart.enable(journal=journal, directory=folder, executable="/opt/py/bin/python")
    assert path == folder / f"{APP_ID}.desktop"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Fertility Tracker"
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Hidden"] == "false"
    assert "TryExec" not in entry
    assert Path(entry["Icon"]).name == "icon.svg" and Path(entry["Icon"]).is_file()
    assert shlex.split(entry["Exec"]) == [
        "/opt/py/bin/python", "-m", "fertilitytracker", "--db", str(journal.resolve()),
        "--minimized",
    ]  # fmt: skip
    assert autostart.is_enabled(folder)
    assert [p.name for p in folder.iterdir()] == [f"{APP_ID}.desktop"]  # no temporary


def test_disable_removes_it_and_is_idempotent(tmp_path: Path) -> None:
    autostart.enable(directory=tmp_path)
    autostart.disable(tmp_path)
    assert not autostart.is_enabled(tmp_path)
    autostart.disable(tmp_path)


def test_a_hidden_entry_counts_as_disabled(tmp_path: Path) -> None:
    path = autostart.enable(directory=tmp_path)
    path.write_text(path.read_text().replace("Hidden=false", "Hidden=true"))
    assert not autostart.is_enabled(tmp_path)


@pytest.mark.parametrize(
    ("argument", "written"),
    [
        ("/usr/bin/python3", "/usr/bin/python3"),
        ("/home/a b/python", '"/home/a b/python"'),
        ("100%", "100%%"),
        ('say "hi"', '"say \\\\"hi\\\\""'),
        ("C:\\x", '"C:\\\\\\\\x"'),
        ("", '""'),
    ],
)
def test_exec_arguments_are_quoted_per_the_desktop_entry_spec(argument: str, written: str) -> None:
    assert autostart.quote_exec_argument(argument) == written


@pytest.mark.parametrize(
    ("platform", "supported"),
    [("linux", True), ("freebsd14", True), ("win32", False), ("darwin", False)],
)
def test_supported_platforms(platform: str, supported: bool) -> None:
    assert autostart.is_supported(platform) is supported


def test_the_shipped_desktop_entry_is_well_formed() -> None:
    from importlib.resources import files

    text = files("fertilitytracker.resources").joinpath(f"{APP_ID}.desktop").read_text()
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "fertilitytracker"
    assert entry["Icon"] == APP_ID
    assert entry["Categories"].endswith(";")


@pytest.fixture
def frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run as the bundle installed by install.sh would: frozen, its binary under ~/.local/opt."""
    home = tmp_path / "home"
    binary = home / ".local" / "opt" / "fertilitytracker" / "fertilitytracker"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(binary))
    monkeypatch.setenv("HOME", str(home))
    return home


def test_from_the_installed_bundle_login_runs_the_installed_launcher(
    frozen_bundle: Path, tmp_path: Path
) -> None:
    launcher = frozen_bundle / ".local" / "bin" / "fertilitytracker"
    launcher.parent.mkdir(parents=True)
    launcher.symlink_to(sys.executable)
    path = autostart.enable(journal=tmp_path / "j.sqlite3", directory=tmp_path / "autostart")
    assert shlex.split(read_entry(path)["Exec"]) == [
        str(launcher), "--db", str((tmp_path / "j.sqlite3").resolve()), "--minimized",
    ]  # fmt: skip


def test_from_a_bundle_not_installed_login_runs_its_own_binary(frozen_bundle: Path) -> None:
    # No launcher, or one that leads to another copy of the app: the running binary itself.
    assert autostart.autostart_command() == [sys.executable, "--minimized"]
    launcher = frozen_bundle / ".local" / "bin" / "fertilitytracker"
    launcher.parent.mkdir(parents=True)
    other = frozen_bundle / "elsewhere" / "fertilitytracker"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    launcher.symlink_to(other)
    assert autostart.autostart_command() == [sys.executable, "--minimized"]
