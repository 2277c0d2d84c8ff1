#!/usr/bin/env python3
"""A tiny Binance-like WebSocket trade server for the pipeline tests (collector.sh, live.sh).

Serves the @trade messages of one or more captures (hftbacktest format: `<ts> {"stream":…,
"data":…}`, gzip) to every client, as Binance does: the bare trade payload on a raw stream path
(`/ws/...`), the combined-stream envelope on `/stream?streams=...`. One cursor is shared by all
connections, so a client that reconnects (or a collector that restarts) continues where the
previous connection stopped, like a live market; at the end of the data the connection stays open
and idle (pings only). Writes the listening port to --port-file once it is ready, and exits by
itself when the process that started it is gone.

With --drop-first-after N the first connection is cut (TCP closed without a close frame) after
N trades, so the client has to reconnect once.

Usage: pipeline_ws_server.py --port-file FILE [--rate N] [--drop-first-after N] CAPTURE.gz…
"""
import argparse
import asyncio
import gzip
import json
import os
import sys

import websockets
from testpeer import until_parent_exits


def load(paths):
    messages = []
    for path in paths:
        with gzip.open(path, "rt") as f:
            for line in f:
                _, _, text = line.rstrip("\n").partition(" ")
                if '"stream":"' in text and "@trade\"" in text:
                    # The payload byte for byte, as Binance sent it inside the envelope.
                    payload = text[text.index('"data":') + len('"data":'):-1]
                    json.loads(payload)
                    messages.append((text, payload))
    return messages


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captures", nargs="+")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--rate", type=float, default=1000.0, help="trades per second (default 1000)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--drop-first-after", type=int, default=0, help="cut the first connection after N trades")
    args = parser.parse_args()
    messages = load(args.captures)
    state = {"cursor": 0, "connections": 0}
    batch = max(1, int(args.rate / 50))

    async def handler(ws):
        combined = ws.request.path.startswith("/stream")
        state["connections"] += 1
        drop_at = state["cursor"] + args.drop_first_after if state["connections"] == 1 and args.drop_first_after else None
        print(f"connection {ws.request.path} at trade {state['cursor']}", file=sys.stderr, flush=True)
        try:
            while state["cursor"] < len(messages):
                if drop_at is not None and state["cursor"] >= drop_at:
                    print(f"dropping the connection at trade {state['cursor']}", file=sys.stderr, flush=True)
                    ws.transport.abort()
                    return
                for _ in range(batch):
                    if state["cursor"] >= len(messages):
                        break
                    envelope, payload = messages[state["cursor"]]
                    await ws.send(envelope if combined else payload)
                    state["cursor"] += 1
                await asyncio.sleep(batch / args.rate)
            await ws.wait_closed()
        except websockets.ConnectionClosed:
            pass
        print(f"closed at trade {state['cursor']}", file=sys.stderr, flush=True)

    async with websockets.serve(handler, args.host, 0, ping_interval=20) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
        await until_parent_exits()   # a test that dies never leaves the server behind


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
