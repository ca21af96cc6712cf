"""pytest fixtures for driving the real app in a real terminal: a private sshd and tmux.

``sshd`` starts an OpenSSH server on 127.0.0.1 (a free high port) with a throwaway host key,
authorised key and config, all in a temp dir, and stops it by its PID. ``terminal_session``
returns a factory for :class:`TmuxSession`: a detached tmux session on a private socket whose
pane runs a command (``ssh -tt ...``); it is sent keys with ``send`` and read with ``screen``
and ``wait_for``. Every tmux server started here is killed at teardown.

Load with ``pytest_plugins = ["tests.terminal"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
TMUX = shutil.which("tmux")
SSH = shutil.which("ssh")
SSHD = shutil.which("sshd", path=SBIN_PATH)
SSH_KEYGEN = shutil.which("ssh-keygen")

MISSING_TOOLS = [
    name
    for name, found in (
        ("tmux", TMUX),
        ("ssh (openssh-client)", SSH),
        ("sshd (openssh-server)", SSHD),
        ("ssh-keygen", SSH_KEYGEN),
    )
    if found is None
]
requires_terminal_tools = pytest.mark.skipif(
    bool(MISSING_TOOLS),
    reason=f"not installed: {', '.join(MISSING_TOOLS)} (.ci/run installs them)",
)

STARTUP_TIMEOUT = 10.0
POLL_INTERVAL = 0.05


# The private sshd


@dataclass
class SSHServer:
    """A running private sshd and what a client needs to log in to it."""

    port: int
    user: str
    client_key: Path
    known_hosts: Path
    pid: int

    def ssh_command(
        self, remote_command: Sequence[str], *, status_file: Path | None = None
    ) -> list[str]:
        """``ssh -tt`` into this server, running ``remote_command`` there (every part quoted).

        With ``status_file`` the remote shell then writes the command's exit status there (the
        last bytes a program writes to a tmux pane that is closing are not reliably shown).
        """
        command = " ".join(shlex.quote(part) for part in remote_command)
        if status_file is not None:
            command += f"; echo $? > {shlex.quote(str(status_file))}"
        return [
            str(SSH),
            "-tt",
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={self.known_hosts}",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "IdentitiesOnly=yes",
            "-i",
            str(self.client_key),
            "-p",
            str(self.port),
            f"{self.user}@127.0.0.1",
            command,
        ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(
        [
            str(SSH_KEYGEN),
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "broadsheet-test",
            "-f",
            str(path),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                if connection.recv(4).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        time.sleep(POLL_INTERVAL)
    raise RuntimeError(f"sshd did not listen on 127.0.0.1:{port}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SSHServer]:
    """A private sshd on 127.0.0.1 accepting only a throwaway key, for this module's tests."""
    if MISSING_TOOLS:
        pytest.skip(f"not installed: {', '.join(MISSING_TOOLS)}")
    assert SSHD is not None
    directory = tmp_path_factory.mktemp("sshd")
    host_key, client_key = directory / "host_key", directory / "client_key"
    _keygen(host_key)
    _keygen(client_key)
    authorized_keys = directory / "authorized_keys"
    authorized_keys.write_text(client_key.with_suffix(".pub").read_text())
    pid_file, log = directory / "sshd.pid", directory / "sshd.log"
    port = free_port()
    config = directory / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"ListenAddress 127.0.0.1:{port}",
                f"HostKey {host_key}",
                f"PidFile {pid_file}",
                f"AuthorizedKeysFile {authorized_keys}",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PermitTTY yes",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "PrintMotd no",
                "PrintLastLog no",
                "Banner none",
                "Subsystem sftp internal-sftp",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        # The privilege-separation directory sshd insists on when run as root.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log)
        yield SSHServer(
            port=port,
            user=getpass.getuser(),
            client_key=client_key,
            known_hosts=directory / "known_hosts",
            pid=process.pid,
        )
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


# Reading a tmux pane

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][0-9A-Za-z])")


@dataclass(frozen=True)
class Style:
    bold: bool = False
    underline: bool = False
    reverse: bool = False
    fg: str | None = None
    bg: str | None = None


@dataclass(frozen=True)
class Cell:
    char: str
    style: Style


def _apply_sgr(style: Style, params: str) -> Style:
    codes = [int(code) if code else 0 for code in re.split(r"[;:]", params)] if params else [0]
    values = dict(style.__dict__)
    index = 0
    while index < len(codes):
        code = codes[index]
        if code == 0:
            values = dict(Style().__dict__)
        elif code == 1:
            values["bold"] = True
        elif code in (21, 22):
            values["bold"] = False
        elif code == 4:
            values["underline"] = True
        elif code == 24:
            values["underline"] = False
        elif code == 7:
            values["reverse"] = True
        elif code == 27:
            values["reverse"] = False
        elif code in (38, 48):
            key = "fg" if code == 38 else "bg"
            if index + 1 < len(codes) and codes[index + 1] == 5:
                values[key] = f"256:{codes[index + 2]}"
                index += 2
            elif index + 1 < len(codes) and codes[index + 1] == 2:
                values[key] = "rgb:" + ",".join(str(c) for c in codes[index + 2 : index + 5])
                index += 4
        elif code == 39:
            values["fg"] = None
        elif code == 49:
            values["bg"] = None
        elif 30 <= code <= 37 or 90 <= code <= 97:
            values["fg"] = f"16:{code}"
        elif 40 <= code <= 47 or 100 <= code <= 107:
            values["bg"] = f"16:{code}"
        index += 1
    return Style(**values)


def parse_styled(lines: str) -> list[list[Cell]]:
    """``tmux capture-pane -e`` output as rows of cells with their style."""
    rows: list[list[Cell]] = []
    for line in lines.split("\n"):
        style = Style()
        row: list[Cell] = []
        position = 0
        for match in _SGR.finditer(line):
            for char in _OTHER_ESCAPE.sub("", line[position : match.start()]):
                row.append(Cell(char, style))
            style = _apply_sgr(style, match.group(1))
            position = match.end()
        for char in _OTHER_ESCAPE.sub("", line[position:]):
            row.append(Cell(char, style))
        rows.append(row)
    return rows


def is_grey(colour: str | None) -> bool:
    """Whether a cell colour (as in :class:`Style`) is a shade of grey, or the default."""
    if colour is None:
        return True
    kind, _, value = colour.partition(":")
    if kind == "256":
        index = int(value)
        if index in (0, 7, 8, 15) or index >= 232:
            return True
        if 16 <= index <= 231:
            red, green, blue = (index - 16) // 36, (index - 16) // 6 % 6, (index - 16) % 6
            return red == green == blue
        return False
    if kind == "rgb":
        red, green, blue = (int(part) for part in value.split(","))
        return red == green == blue
    return colour in ("16:30", "16:37", "16:90", "16:97", "16:40", "16:47", "16:100", "16:107")


def chromatic_cells(rows: list[list[Cell]]) -> list[Cell]:
    """Cells drawn in a colour other than a grey (what NO_COLOR rules out)."""
    return [
        cell
        for row in rows
        for cell in row
        if not (is_grey(cell.style.fg) and is_grey(cell.style.bg))
    ]


# Driving a tmux session


@dataclass
class TmuxSession:
    """One detached tmux session, on its own server, whose single pane runs a command."""

    socket_name: str
    name: str
    width: int
    height: int
    config: Path
    last_screen: str = ""
    transcript: list[str] = field(default_factory=list)

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [str(TMUX), "-L", self.socket_name, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            env=terminal_environment(),
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: Sequence[str]) -> None:
        self.tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-e",
            "TERM=xterm-256color",
            *command,
        )

    def send(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``Escape``, ``C-s``, ``h``) one after the other."""
        for key in keys:
            self.transcript.append(key)
            self.tmux("send-keys", "-t", self.name, key)

    def type(self, text: str) -> None:
        """Send literal text, as typed."""
        self.transcript.append(repr(text))
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        """The visible pane as plain text, one line per row."""
        self.last_screen = self.tmux("capture-pane", "-p", "-t", self.name)
        return self.last_screen

    def styled_screen(self) -> tuple[str, list[list[Cell]]]:
        """The visible pane with its escape sequences, and parsed into styled cells."""
        escaped = self.tmux("capture-pane", "-p", "-e", "-t", self.name)
        self.last_screen = self.tmux("capture-pane", "-p", "-t", self.name)
        return escaped, parse_styled(escaped)

    def pane(self, variable: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.name, f"#{{{variable}}}").strip()

    @property
    def dead(self) -> bool:
        return self.pane("pane_dead") == "1"

    def wait_for(
        self,
        expected: str | Callable[[str], bool],
        timeout: float = 10.0,
        what: str | None = None,
    ) -> str:
        """Poll the screen until ``expected`` (text on it, or a predicate of it) holds."""
        check = (lambda text: expected in text) if isinstance(expected, str) else expected
        description = what or (repr(expected) if isinstance(expected, str) else "the condition")
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if check(text):
                return text
            if self.dead:
                raise AssertionError(
                    f"waiting for {description}: the program in the pane ended "
                    f"after keys {self.transcript}\n"
                    f"{self.framed()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout:.0f} s for {description} after keys {self.transcript}; "
                    f"the screen:\n{self.framed()}"
                )
            time.sleep(POLL_INTERVAL)

    def wait_until_exited(self, timeout: float = 10.0) -> None:
        """Wait for the pane's program (the ssh client) to end."""
        deadline = time.monotonic() + timeout
        while not self.dead:
            if time.monotonic() > deadline:
                self.screen()
                raise AssertionError(f"still running after {timeout:.0f} s:\n{self.framed()}")
            time.sleep(POLL_INTERVAL)
        self.screen()

    def framed(self) -> str:
        """The last captured screen, framed, for failure messages."""
        rule = "+" + "-" * self.width + "+"
        rows = self.last_screen.split("\n")[: self.height]
        return "\n".join([rule, *(f"|{row.ljust(self.width)}|" for row in rows), rule])


def terminal_environment() -> dict[str, str]:
    """The environment for tmux and the ssh client: a plain 256-colour terminal, as over SSH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLORTERM", "TMUX", "TMUX_PANE", "NO_COLOR", "TERM_PROGRAM")
    }
    env["TERM"] = "xterm-256color"
    return env


@pytest.fixture
def terminal_session(
    tmp_path: Path,
) -> Iterator[Callable[[Sequence[str], int, int], TmuxSession]]:
    """A factory of tmux sessions at a given size; their tmux servers are killed afterwards."""
    if MISSING_TOOLS:
        pytest.skip(f"not installed: {', '.join(MISSING_TOOLS)}")
    config = tmp_path / "tmux.conf"
    config.write_text(
        "\n".join(
            [
                "set -g status off",  # the whole window is the pane: exactly width x height
                "set -g default-terminal xterm-256color",
                "set -g remain-on-exit on",  # keep the last screen and the exit status
                "set -g escape-time 0",
                "set -g history-limit 100",
                "",
            ]
        )
    )
    started: list[TmuxSession] = []

    def start(command: Sequence[str], width: int = 80, height: int = 24) -> TmuxSession:
        session = TmuxSession(
            socket_name=f"broadsheet-test-{uuid.uuid4().hex[:12]}",
            name="app",
            width=width,
            height=height,
            config=config,
        )
        started.append(session)
        session.start(command)
        return session

    yield start
    for session in started:
        session.tmux("kill-server", check=False)
