"""Packaging: the wheel's contents, one version, the bundle's child command, the desktop files,
install.sh and the bundle workflow (the bundle itself is checked by `make dist-check`)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "org.fertilitytracker.FertilityTracker"
DESKTOP_ENTRY = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "fertilitytracker").rglob("__init__.py")
    }
    assert found - listed == set()
    assert "fertilitytracker.resources" in listed


def test_the_clinical_tables_are_package_resources() -> None:
    from importlib.resources import files

    resources = files("fertilitytracker.resources")
    for name in ("analytes.json", "medications.json", "monitoring_rules.json"):
        assert resources.joinpath(name).is_file(), name


# --- one version ----------------------------------------------------------------------------


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_the_version_is_the_one_in_pyproject_and_version_prints_it() -> None:
    import fertilitytracker

    assert fertilitytracker.__version__ == pyproject_version()
    shown = subprocess.run(
        [sys.executable, "-m", "fertilitytracker", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == f"fertilitytracker {pyproject_version()}"


def test_the_version_is_written_nowhere_else() -> None:
    init = (ROOT / "fertilitytracker" / "__init__.py").read_text()
    assert pyproject_version() not in init
    assert pyproject_version() in (ROOT / "CHANGELOG.md").read_text()


# --- running itself again: from Python and from the bundle ----------------------------------


def test_from_python_the_child_command_is_this_interpreter_with_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fertilitytracker import own_command

    monkeypatch.delattr(sys, "frozen", raising=False)
    assert own_command(["report", "out.pdf"]) == [
        sys.executable, "-m", "fertilitytracker", "report", "out.pdf",
    ]  # fmt: skip


def test_frozen_the_child_command_is_the_bundles_own_binary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fertilitytracker import own_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/bundle/fertilitytracker")
    assert own_command(["report", "out.pdf"]) == [
        "/opt/bundle/fertilitytracker",
        "report",
        "out.pdf",
    ]


# --- the desktop entry, metainfo and workflow pass their validators -------------------------


def tool(name: str) -> str | None:
    """`name` from this environment's scripts folder or the PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def validate(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.skipif(tool("desktop-file-validate") is None, reason="desktop-file-utils absent")
def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    output = validate([tool("desktop-file-validate"), str(DESKTOP_ENTRY)])  # type: ignore[list-item]
    assert "error" not in output and "warning" not in output, output


@pytest.mark.skipif(tool("appstreamcli") is None, reason="appstream absent")
def test_the_metainfo_passes_appstreamcli_validate() -> None:
    validate([tool("appstreamcli"), "validate", "--no-net", str(METAINFO)])  # type: ignore[list-item]


def test_the_bundle_workflow_passes_actionlint() -> None:
    actionlint = tool("actionlint")
    assert actionlint is not None, "actionlint comes with the test extra"
    validate([actionlint, "-no-color", str(ROOT / ".github" / "workflows" / "dist.yml")])


def test_one_app_id_names_the_app_entry_metainfo_and_icon_everywhere() -> None:
    import fertilitytracker

    assert fertilitytracker.APP_ID == APP_ID
    metainfo = ElementTree.parse(METAINFO).getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable") == DESKTOP_ENTRY.name
    assert f"Icon={APP_ID}\n" in DESKTOP_ENTRY.read_text()
    assert f"APP_ID={APP_ID}\n" in (ROOT / "packaging" / "install.sh").read_text()
    assert f"APP_ID := {APP_ID}\n" in (ROOT / "Makefile").read_text()


# --- install.sh, on a stand-in bundle in a temporary home -----------------------------------


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """An unpacked bundle laid out as `make dist` lays it, with a shell script for the binary."""
    folder = tmp_path / "fertilitytracker-9.9-linux-x86_64"
    (folder / "_internal").mkdir(parents=True)
    binary = folder / "fertilitytracker"
    binary.write_text('#!/bin/sh\necho "fertilitytracker 9.9"\n')
    binary.chmod(0o755)
    shutil.copy(ROOT / "packaging" / "install.sh", folder / "install.sh")
    (folder / "install.sh").chmod(0o755)
    share = folder / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(DESKTOP_ENTRY, share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(METAINFO, share / "metainfo")
    for size in ("scalable", "16x16", "512x512"):
        icons = share / "icons" / "hicolor" / size / "apps"
        icons.mkdir(parents=True)
        suffix = "svg" if size == "scalable" else "png"
        shutil.copy(ROOT / "resources" / "icon.svg", icons / f"{APP_ID}.{suffix}")
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder for install.sh (run with HOME set to it)."""
    made = tmp_path / "home"
    made.mkdir()
    return made


def own_program(home: Path, name: str, text: str) -> Path:
    """A program of the person's own in ~/.local/bin, which install.sh must leave alone."""
    path = home / ".local" / "bin" / name
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def snapshot(home: Path) -> set[str]:
    return {str(path.relative_to(home)) for path in home.rglob("*")}


def in_home(home: Path, *command: str | Path) -> subprocess.CompletedProcess[str]:
    environment = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(part) for part in command], env=environment, capture_output=True, text=True
    )


def test_install_puts_the_launcher_entry_and_icons_in_place(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "my home"  # a space: the menu entry's command must be quoted
    home.mkdir()
    done = in_home(home, bundle / "install.sh")
    assert done.returncode == 0, done.stderr
    assert "Installed fertilitytracker 9.9" in done.stdout
    launcher = home / ".local" / "bin" / "fertilitytracker"
    assert in_home(home, launcher).stdout == "fertilitytracker 9.9\n"
    entry = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    keys = dict(line.split("=", 1) for line in entry.read_text().splitlines() if "=" in line)
    assert shlex.split(keys["Exec"].replace("\\\\", "\\")) == [str(launcher)]
    assert keys["TryExec"] == str(launcher)
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (icons / "512x512" / "apps" / f"{APP_ID}.png").is_file()
    assert (home / ".local" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    if tool("desktop-file-validate"):
        validate([tool("desktop-file-validate"), str(entry)])  # type: ignore[list-item]


def test_uninstall_leaves_the_home_as_it_was_but_keeps_the_journal(
    bundle: Path, home: Path
) -> None:
    own_program(home, "other-tool", "mine")
    before = snapshot(home)
    assert in_home(home, bundle / "install.sh").returncode == 0
    journal = home / ".local" / "share" / "fertilitytracker" / "journal.sqlite3"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b"the journal")
    installed = home / ".local" / "opt" / "fertilitytracker" / "install.sh"
    done = in_home(home, installed, "--uninstall")
    assert done.returncode == 0, done.stderr
    assert "journal" in done.stdout
    assert journal.read_bytes() == b"the journal"
    journal_folders = {
        ".local/share",
        ".local/share/fertilitytracker",
        str(journal.relative_to(home)),
    }
    assert snapshot(home) - journal_folders == before


def test_installing_again_replaces_the_earlier_version(bundle: Path, home: Path) -> None:
    assert in_home(home, bundle / "install.sh").returncode == 0
    (bundle / "fertilitytracker").write_text('#!/bin/sh\necho "fertilitytracker 10.0"\n')
    done = in_home(home, bundle / "install.sh")
    assert done.returncode == 0, done.stderr
    assert (
        in_home(home, home / ".local" / "bin" / "fertilitytracker").stdout.strip().endswith("10.0")
    )
    assert (
        in_home(home, home / ".local/opt/fertilitytracker/install.sh", "--uninstall").returncode
        == 0
    )
    assert snapshot(home) == set()


def test_install_never_replaces_a_launcher_that_is_not_its_own(bundle: Path, home: Path) -> None:
    theirs = own_program(home, "fertilitytracker", "someone else's")
    done = in_home(home, bundle / "install.sh")
    assert done.returncode != 0
    assert "not ours" in done.stderr
    assert theirs.read_text() == "someone else's"
    assert not (home / ".local" / "opt").exists()


def test_start_at_login_survives_an_upgrade_and_goes_with_uninstall(
    bundle: Path, home: Path
) -> None:
    assert in_home(home, bundle / "install.sh").returncode == 0
    launcher = home / ".local" / "bin" / "fertilitytracker"
    entry = home / ".config" / "autostart" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(f"[Desktop Entry]\nType=Application\nExec={launcher} --minimized\n")
    assert in_home(home, bundle / "install.sh").returncode == 0  # the upgrade keeps it
    assert entry.is_file()
    installed = home / ".local" / "opt" / "fertilitytracker" / "install.sh"
    assert in_home(home, installed, "--uninstall").returncode == 0
    # It would run the removed launcher at every login.
    assert not entry.exists()
