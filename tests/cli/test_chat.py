"""`convex-schema chat`: one turn with --message, and a session typed into a
real terminal (tmux) and read back from the screen."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from convex_schema.cli.main import run

TMUX = shutil.which("tmux")
CLI = Path(sys.executable).parent / "convex-schema"
PROMPT = "chat> "


def test_message_prints_one_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["--project", str(tmp_path), "chat", "--message", "a blog with posts"])
    assert code == 0
    out = capsys.readouterr().out
    assert "posts table:" in out
    assert not (tmp_path / "convex" / "schema.ts").exists()


def test_message_json_is_the_design_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--project", str(tmp_path), "chat", "--format", "json", "--message"]
    assert run([*args, "a blog with posts and comments"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"schema", "operations", "explanation", "questions"} <= set(data)
    assert "posts" in [t["tableName"] for t in data["schema"]["tables"]]

    resume = ["--project", str(tmp_path), "chat", "--resume", "--message"]
    assert run([*resume, "posts should have a subtitle"]) == 0
    assert "add field posts.subtitle" in capsys.readouterr().out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run(["--project", str(elsewhere), "chat", "--resume", "-m", "a"]) == 2


class Screen:
    """A tmux session on a private server, driven by keys and read back."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket, self.name = socket, name

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            [str(TMUX), "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.name)

    def wait(self, ready: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if ready(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen shows:\n{text}")
            time.sleep(0.1)

    def run(self, line: str) -> str:
        """Type `line`, wait for the next prompt, return what it printed."""
        before = self.text()
        prompts = before.count(PROMPT)
        self.tmux("send-keys", "-t", self.name, "-l", line)
        self.tmux("send-keys", "-t", self.name, "Enter")
        after = self.wait(lambda text: text.count(PROMPT) > prompts)
        start = after.rfind(line, 0, after.rfind(PROMPT))
        return after[start : after.rfind(PROMPT)]


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Screen]:
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install tmux; .ci/run does)")
    socket = f"convex-schema-test-{uuid.uuid4().hex[:8]}"
    command = f"cd {shlex.quote(str(tmp_path))} && exec {shlex.quote(str(CLI))} chat"
    screen = Screen(socket, "chat")
    screen.tmux("new-session", "-d", "-s", "chat", "-x", "200", "-y", "50", command)
    try:
        screen.wait(lambda text: PROMPT in text)
        yield screen
    finally:
        subprocess.run([str(TMUX), "-L", socket, "kill-server"], check=False)


def test_chat_in_a_terminal(screen: Screen, tmp_path: Path) -> None:
    schema = tmp_path / "convex" / "schema.ts"

    shown = screen.run("a blog with posts and comments")
    assert "posts table:" in shown
    assert "comments table:" in shown
    assert '- postId (Id<"posts">)' in shown

    shown = screen.run("/diff")
    assert "+++ b/schema.ts" in shown
    assert "+  posts: defineTable({" in shown
    assert not schema.exists()

    shown = screen.run("/apply")
    assert "wrote convex/schema.ts" in shown
    assert schema.is_file()
    assert "posts: defineTable({" in schema.read_text()

    shown = screen.run("/undo")
    assert "Undid" in shown
    assert "/redo" in shown
    shown = screen.run("/diff")
    assert "-  posts: defineTable({" in shown

    shown = screen.run("/show")
    assert "No tables yet" in shown

    screen.tmux("send-keys", "-t", "chat", "-l", "/quit")
    screen.tmux("send-keys", "-t", "chat", "Enter")
    assert (tmp_path / ".convex-schema" / "state.db").is_file()
