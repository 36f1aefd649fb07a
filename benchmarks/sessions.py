"""Many dashboard sessions at once over Streamlit's own websocket protocol, without drawing.

A real browser's messages for one drill-down (open the view, click a district, go back) are
recorded once (`benchmarks/run.py` does it with Chromium) and replayed here by N sessions on
their own websockets: the server does exactly the work of N viewers, while this client only reads
the answers. It runs as its own process, pinned to cores the server does not use, so the load
never takes the server's CPU.

    python benchmarks/sessions.py --url http://127.0.0.1:8080 --messages msgs.json \\
        --sessions 20 --rounds 2 [--cpus 0]

Prints one line `RESULT {json}`: per click, the seconds from sending the rerun request to the
rerun's last message (`script_finished`); the sessions that failed, and any exception elements.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from pathlib import Path

# A rerun that ends early because the script asked for another run is followed by that run.
EARLY = 2  # ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
OPEN_TIMEOUT_S = 300
CLICK_TIMEOUT_S = 300


def ws_url(url: str) -> str:
    return url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"


# The breadcrumb "北京市 › 房山区" is drawn only on a district's view: it tells a click that
# drilled down from one that changed nothing.
CRUMB = " › "


async def answer(ws) -> tuple[bool, bool, int]:
    """Read until the rerun's final `script_finished`: (an exception element seen?, a breadcrumb
    drawn?, bytes read)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    failed, crumb, size = False, False, 0
    while True:
        payload = await ws.recv()
        if not isinstance(payload, bytes):
            continue
        size += len(payload)
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            failed |= element.WhichOneof("type") == "exception"
            crumb |= element.WhichOneof("type") == "markdown" and CRUMB in element.markdown.body
        elif kind == "script_finished" and msg.script_finished != EARLY:
            return failed, crumb, size


class Session:
    def __init__(self, url: str, messages: dict[str, bytes]) -> None:
        self.url, self.messages = url, messages
        self.ws = None
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.bytes = 0

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            ws_url(self.url), subprotocols=["streamlit"], max_size=None, open_timeout=60
        )
        for name in ("open", "settle"):
            if name not in self.messages:
                continue
            await self.ws.send(self.messages[name])
            failed, _, _ = await asyncio.wait_for(answer(self.ws), OPEN_TIMEOUT_S)
            if failed:
                raise RuntimeError(f"an exception element on opening the view ({name})")

    async def click(self, name: str) -> None:
        started = time.perf_counter()
        await self.ws.send(self.messages[name])
        failed, crumb, size = await asyncio.wait_for(answer(self.ws), CLICK_TIMEOUT_S)
        self.latencies.append(time.perf_counter() - started)
        self.bytes += size
        if failed:
            self.errors.append(f"exception element after {name}")
        if crumb != (name == "drill"):
            self.errors.append(f"{name} {'left' if crumb else 'did not draw'} the breadcrumb")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class Pool:
    """Sessions that grow on request and click together: what `benchmarks/run.py` drives."""

    def __init__(self, url: str, messages: dict[str, bytes]) -> None:
        self.url, self.messages = url, messages
        self.sessions: list[Session] = []

    async def open(self, count: int) -> float:
        """Open `count` more sessions, a few at a time, as viewers arrive; seconds taken."""
        fresh = [Session(self.url, self.messages) for _ in range(count)]
        gate = asyncio.Semaphore(4)

        async def open_one(session: Session) -> None:
            async with gate:
                await session.open()

        started = time.perf_counter()
        await asyncio.gather(*(open_one(s) for s in fresh))
        self.sessions += fresh
        return time.perf_counter() - started

    async def rounds(self, count: int, clicking: int | None = None) -> dict:
        """In each round the first `clicking` sessions (all by default) click a district at the
        same moment, and once all have their answer, all click back; the others stay open and
        idle. Returns the latencies of these rounds only."""
        active = self.sessions[:clicking] if clicking else self.sessions
        for session in self.sessions:
            session.latencies, session.bytes, session.errors = [], 0, []
        started = time.perf_counter()
        for _ in range(count):
            for name in ("drill", "back"):
                await asyncio.gather(*(s.click(name) for s in active))
        clicks = sum(len(s.latencies) for s in active)
        return {
            "latencies": [x for s in active for x in s.latencies],
            "errors": [e for s in active for e in s.errors],
            "seconds": time.perf_counter() - started,
            "bytes_per_click": sum(s.bytes for s in self.sessions) / max(1, clicks),
        }

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sessions), return_exceptions=True)


async def drive(url: str, messages: dict[str, bytes], sessions: int, rounds: int) -> dict:
    pool = Pool(url, messages)
    try:
        opened = await pool.open(sessions)
        return {**await pool.rounds(rounds), "open_s": opened}
    finally:
        await pool.close()


async def serve(url: str, messages: dict[str, bytes]) -> None:
    """Commands on stdin, one a line, each answered by one `RESULT {json}` line on stdout:
    `open N` (N more sessions), `rounds R [N]` (R rounds of the first N sessions), `quit`. The
    caller reads the server's CPU and memory between commands."""
    pool = Pool(url, messages)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line or line[0] == "quit":
                return
            try:
                if line[0] == "open":
                    result = {"open_s": await pool.open(int(line[1])), "open": len(pool.sessions)}
                elif line[0] == "rounds":
                    clicking = int(line[2]) if len(line) > 2 else None
                    result = await pool.rounds(int(line[1]), clicking)
                else:
                    result = {"error": f"unknown command {line[0]}"}
            except Exception as exc:  # reported to the caller, which marks its rows
                result = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            print("RESULT " + json.dumps(result), flush=True)
    finally:
        await pool.close()


def load_messages(path: Path) -> dict[str, bytes]:
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {name: base64.b64decode(value) for name, value in stored.items()}


def save_messages(path: Path, messages: dict[str, bytes]) -> None:
    stored = {name: base64.b64encode(value).decode("ascii") for name, value in messages.items()}
    path.write_text(json.dumps(stored), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--messages", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--cpus", default="", help="pin this client to these cores, e.g. 0")
    parser.add_argument("--commands", action="store_true", help="take commands on stdin")
    args = parser.parse_args(argv)
    if args.cpus:
        os.sched_setaffinity(0, {int(c) for c in args.cpus.split(",")})
    messages = load_messages(args.messages)
    if args.commands:
        asyncio.run(serve(args.url, messages))
        return 0
    result = asyncio.run(drive(args.url, messages, args.sessions, args.rounds))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
