"""The server's transport: an answer's head and body leave as one write."""

from __future__ import annotations

import asyncio

from hotlist.serve._server import _JoinedWrites


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def test_writes_in_one_turn_go_out_as_one_and_close_sends_what_is_held() -> None:
    async def run() -> FakeTransport:
        raw = FakeTransport()
        joined = _JoinedWrites(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        joined.write(b"{}")
        assert raw.writes == []  # held until the end of the turn
        await asyncio.sleep(0)
        assert raw.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        joined.write(b"last")
        joined.close()  # what is held goes before the close
        assert raw.writes[-1] == b"last" and raw.closed
        await asyncio.sleep(0)
        assert len(raw.writes) == 2  # the flush scheduled before the close sends nothing again
        assert joined.get_extra_info("peername") == "info peername"
        return raw

    asyncio.run(run())
