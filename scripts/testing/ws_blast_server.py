#!/usr/bin/env python3
"""Benchmark peer for bnc-stream: a minimal WebSocket server that sends trade messages as fast as
the socket takes them. Frames are built in large blocks and written raw (no per-message Python
work beyond string formatting), so the sender is not the bottleneck the `websockets` package
would be. The trades are the real BTCUSDT captures, re-numbered so ids stay consecutive across
repetitions (bnc-stream would drop repeated ids). Serves one connection, then exits.

Prints `PORT <n>` once listening on 127.0.0.1 (port 0).
"""
import argparse, base64, gzip, hashlib, socket, ssl, sys

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--messages", type=int, default=2_000_000)
ap.add_argument("--tls-cert"); ap.add_argument("--tls-key")
ap.add_argument("--block", type=int, default=20000, help="messages per write")
ap.add_argument("--prebuild", action="store_true", help="build every frame before listening, so sending is pure C speed")
args = ap.parse_args()

templates = []  # (prefix, suffix) around the trade id
for line in gzip.open(args.data, "rt"):
    if "@trade" not in line:
        continue
    env = line.split(" ", 1)[1].strip()
    data = env[env.index('"data":') + 7:-1]
    i = data.index('"t":') + 4
    j = data.index(",", i)
    templates.append((data[:i], data[j:]))

def frame(payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return bytes((0x81, 126)) + n.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + n.to_bytes(8, "big") + payload

def blocks():
    sent = 0
    tid = 5_000_000_000
    nt = len(templates)
    while sent < args.messages:
        n = min(args.block, args.messages - sent)
        parts = []
        for k in range(n):
            pre, post = templates[(sent + k) % nt]
            parts.append(frame(("%s%d%s" % (pre, tid + sent + k, post)).encode()))
        yield b"".join(parts)
        sent += n

prebuilt = list(blocks()) if args.prebuild else None

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print("PORT %d" % listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
if args.tls_cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.tls_cert, args.tls_key)
    conn = ctx.wrap_socket(conn, server_side=True)
request = b""
while b"\r\n\r\n" not in request:
    chunk = conn.recv(4096)
    if not chunk:
        sys.exit(1)
    request += chunk
key = [l.split(b":", 1)[1].strip() for l in request.split(b"\r\n") if l.lower().startswith(b"sec-websocket-key:")][0]
accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
for block in (prebuilt if prebuilt is not None else blocks()):
    conn.sendall(block)
conn.sendall(b"\x88\x02\x03\xe8")  # close 1000
try:
    conn.settimeout(5)
    conn.recv(100)
except Exception:
    pass
conn.close()
