#!/usr/bin/env python3
"""A deliberately misbehaving WebSocket endpoint for the fault tests (scripts/faults.sh).

Plain asyncio sockets, no WebSocket library: it must be able to say things a correct server
never would. Listens on 127.0.0.1 (port 0), prints `PORT <n>` on stdout once ready, and serves
every connection the same way:

  --status CODE        answer the upgrade with this HTTP status (and --retry-after S, and a small
                       HTML body), then close: a proxy error page, a 403, a 503 in maintenance.
  --messages FILE      complete the upgrade correctly, then send each line of FILE as one text
                       message (each line is a JSON string literal, so a message can hold any
                       text, line breaks included), then stay open (idle) until the client leaves.

Stops by itself after --lifetime seconds (default 60).

Usage: fault_server.py (--status CODE [--retry-after S] | --messages FILE) [--lifetime S]
"""
import argparse
import asyncio
import base64
import hashlib
import json
import struct
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode, payload):
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--status", type=int)
    ap.add_argument("--retry-after", type=int)
    ap.add_argument("--messages")
    ap.add_argument("--lifetime", type=float, default=60)
    args = ap.parse_args()
    messages = []
    if args.messages:
        with open(args.messages) as f:
            messages = [json.loads(line) for line in f if line.strip()]
    connections = 0

    async def handle(reader, writer):
        nonlocal connections
        connections += 1
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            key = b""
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"sec-websocket-key:"):
                    key = line.split(b":", 1)[1].strip()
            print(f"connection {connections}", file=sys.stderr, flush=True)
            if args.status:
                body = b"<html><body>error page</body></html>"
                extra = f"Retry-After: {args.retry_after}\r\n" if args.retry_after is not None else ""
                writer.write(f"HTTP/1.1 {args.status} Fault\r\nContent-Type: text/html\r\n{extra}"
                             f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
                await writer.drain()
                writer.close()
                return
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            for m in messages:
                writer.write(frame(1, m.encode()))
            await writer.drain()
            # Idle: answer nothing, read until the client goes away.
            while await reader.read(65536):
                pass
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await asyncio.sleep(args.lifetime)


asyncio.run(main())
