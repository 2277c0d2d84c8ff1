#!/usr/bin/env python3
"""WebSocket + REST fixture server for bnc-stream's tests, built on the `websockets` package.

It plays a "tape" of real Binance trades (the `@trade` lines of the hftbacktest captures in
../shared/data) like a live exchange: the tape advances with time whether or not a client is
connected, every connection receives the trades released while it is open, and trades released
while the client was away are only available from the REST endpoint (historicalTrades /
aggTrades), exactly like Binance. Modes (arguments) inject the failures bnc-stream must survive.

On start it prints one line `PORTS <ws-port> <rest-port>` (both bound to 127.0.0.1, port 0) and
then keeps `--stats` (JSON) up to date. It stops by itself once the tape is fully served
(`done: true` in the stats) and refuses further upgrades with 503, so a client run with
`--max-retries` ends on its own.
"""
import argparse
import asyncio
import gzip
import http.server
import json
import os
import random
import ssl
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus

from websockets.asyncio.server import serve
from testpeer import JsonHandler

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--data", action="append", required=True, help="capture file(s) (.gz), concatenated in order")
ap.add_argument("--limit", type=int, default=0, help="use only the first N trades")
ap.add_argument("--stream-kind", choices=["trade", "aggTrade"], default="trade")
ap.add_argument("--tls-cert"); ap.add_argument("--tls-key")
ap.add_argument("--rest-tls", action="store_true", help="serve REST over https with the same certificate")
ap.add_argument("--rate", type=float, default=2000, help="trades released per second")
ap.add_argument("--stats", required=True, help="JSON stats file, rewritten on every event")
ap.add_argument("--drops", type=int, default=0, help="end the first N connections early")
ap.add_argument("--drop-after", type=int, default=100, help="... after this many trades (or 0.3 s)")
ap.add_argument("--drop-kinds", default="abort", help="comma list cycled: abort,close,garbage,oversize,rsv")
ap.add_argument("--rollovers", type=int, default=0, help="after the drops, wait for N overlapping connections (client rollovers)")
ap.add_argument("--max-age", type=float, default=0, help="abort connections older than S seconds (Binance's 24 h cut)")
ap.add_argument("--shutdown-after", type=float, default=0, help="send serverShutdown S seconds after a connection opens")
ap.add_argument("--shutdown-grace", type=float, default=1.0, help="... and abort it this much later")
ap.add_argument("--shutdowns", type=int, default=0, help="tape end waits for this many serverShutdown events")
ap.add_argument("--tail", type=int, default=300, help="trades released after all phases are done")
ap.add_argument("--stall-after", type=int, default=-1, help="first connection goes silent after N trades")
ap.add_argument("--ping-interval", type=float, default=0, help="send a ping every S seconds ...")
ap.add_argument("--ping-timeout", type=float, default=1.0, help="... and abort when its pong is later than this")
ap.add_argument("--fragment", type=int, default=0, help="send every message in N fragments with a ping between")
ap.add_argument("--pad", type=int, default=0, help="pad combined-stream envelopes with a \"pad\" key of N bytes ...")
ap.add_argument("--pad-every", type=int, default=1, help="... on every Nth message (N > 65535 gives 64-bit lengths)")
ap.add_argument("--reject-first", type=int, default=0, help="answer the first N upgrades with HTTP 429")
ap.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on those 429s")
ap.add_argument("--rest-429-first", type=int, default=0, help="answer the first N REST requests with 429, Retry-After: 1")
ap.add_argument("--linger", type=float, default=30, help="seconds to keep refusing upgrades after the tape is done")
args = ap.parse_args()

# ---- the tape ------------------------------------------------------------------------------
tape = []  # (id, payload text, rest dict)
for path in args.data:
    with gzip.open(path, "rt") as f:
        for line in f:
            if "@trade" not in line:
                continue
            envelope = line.split(" ", 1)[1].strip()
            i = envelope.index('"data":')
            data = envelope[i + 7:-1]
            d = json.loads(data)
            if args.stream_kind == "trade":
                rest = {"id": d["t"], "price": d["p"], "qty": d["q"],
                        "quoteQty": "%.8f" % (float(d["p"]) * float(d["q"])),
                        "time": d["T"], "isBuyerMaker": d["m"], "isBestMatch": d["M"]}
                tape.append((d["t"], data, rest))
            else:
                agg = {"e": "aggTrade", "E": d["E"], "s": d["s"], "a": d["t"], "p": d["p"], "q": d["q"],
                       "f": d["t"], "l": d["t"], "T": d["T"], "m": d["m"], "M": d["M"]}
                rest = {k: agg[k] for k in ("a", "p", "q", "f", "l", "T", "m", "M")}
                tape.append((d["t"], json.dumps(agg, separators=(",", ":")), rest))
            if args.limit and len(tape) >= args.limit:
                break
    if args.limit and len(tape) >= args.limit:
        break
first_id = tape[0][0]
for k, (tid, _, _) in enumerate(tape):
    assert tid == first_id + k, "tape ids must be consecutive"

state = {
    "released": 0, "limit": len(tape), "done": False, "phases_done": False,
    "connections": 0, "open": 0, "drops": 0, "drop_kinds": [], "rollovers": 0, "max_age_cuts": 0,
    "shutdowns": 0, "stalls": 0, "pings": 0, "pongs": 0, "pong_timeouts": 0, "rejected": 0,
    "upgrade_times": [], "rest_requests": 0, "rest_429": 0, "paths": [], "client_closes": 0,
    "first_id": first_id, "last_released_id": None, "tape_last_id": tape[-1][0], "sent": 0,
}
lock = threading.Lock()


def write_stats():
    with lock:
        snapshot = json.dumps(state)
    tmp = args.stats + ".tmp"
    with open(tmp, "w") as f:
        f.write(snapshot)
    os.replace(tmp, args.stats)


def check_phases():
    if state["phases_done"]:
        return
    stall_done = args.stall_after < 0 or state.get("stall_ended", False)
    if state["drops"] >= args.drops and state["rollovers"] >= args.rollovers and state["shutdowns"] >= args.shutdowns \
            and stall_done:
        state["phases_done"] = True
        state["limit"] = min(len(tape), state["released"] + args.tail)
        write_stats()


# ---- WebSocket side ------------------------------------------------------------------------
def process_request(connection, request):
    state["upgrade_times"].append(time.monotonic())
    state["paths"].append(request.path)
    if state["done"]:
        write_stats()
        return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "tape finished\n")
    if state["rejected"] < args.reject_first:
        state["rejected"] += 1
        response = connection.respond(HTTPStatus.TOO_MANY_REQUESTS, "slow down\n")
        response.headers["Retry-After"] = str(args.retry_after)
        write_stats()
        return response
    return None


def frame_text(ws, text):
    return text


async def handler(ws):
    index = state["connections"]
    state["connections"] += 1
    state["open"] += 1
    write_stats()
    combined = ws.request.path.startswith("/stream")
    stream_name = "btcusdt@" + args.stream_kind
    opened = time.monotonic()
    cursor = state["released"]
    sent_here = 0
    drop_this = index < args.drops and not state["phases_done"]
    drop_kind = args.drop_kinds.split(",")[index % len(args.drop_kinds.split(","))]
    stall = args.stall_after >= 0 and index == 0
    shutdown_sent_at = None
    next_ping = opened + args.ping_interval if args.ping_interval else None
    pad = ""
    if args.pad:
        pad = '"pad":"' + "x" * args.pad + '",'

    async def ping_and_wait():
        payload = random.randbytes(8)
        waiter = await ws.ping(payload)
        state["pings"] += 1
        try:
            await asyncio.wait_for(waiter, args.ping_timeout)
            state["pongs"] += 1
        except asyncio.TimeoutError:
            state["pong_timeouts"] += 1
            ws.transport.abort()

    try:
        while True:
            now = time.monotonic()
            if stall and sent_here >= args.stall_after:
                if ws.close_code is not None:
                    return
                if state["stalls"] == 0:
                    state["stalls"] = 1
                    write_stats()
                    # A dead peer, not a quiet one: stop reading too, so the client's own pings
                    # (bnc-stream pings a quiet connection for its heartbeats) get no pong.
                    ws.transport.pause_reading()
                await asyncio.sleep(0.05)
                continue
            if drop_this and (sent_here >= args.drop_after or now - opened > 0.3):
                state["drops"] += 1
                state["drop_kinds"].append(drop_kind)
                write_stats()
                check_phases()
                if drop_kind == "abort":
                    ws.transport.abort()
                elif drop_kind == "close":
                    await ws.close(1011, "fixture drop")
                elif drop_kind == "garbage":
                    ws.transport.write(b"\x8f\x03abc")  # reserved opcode 0xF
                    await asyncio.sleep(1)
                    ws.transport.abort()
                elif drop_kind == "rsv":
                    ws.transport.write(b"\xc1\x05hello")  # RSV1 set, nothing negotiated
                    await asyncio.sleep(1)
                    ws.transport.abort()
                elif drop_kind == "oversize":
                    ws.transport.write(b"\x81\x7f" + (2 * 1024 * 1024).to_bytes(8, "big") + b"a" * 65536)
                    await asyncio.sleep(1)
                    ws.transport.abort()
                return
            if args.max_age and now - opened > args.max_age:
                state["max_age_cuts"] += 1
                write_stats()
                ws.transport.abort()
                return
            if args.shutdown_after and shutdown_sent_at is None and now - opened > args.shutdown_after \
                    and not state["done"]:
                shutdown_sent_at = now
                state["shutdowns"] += 1
                write_stats()
                check_phases()
                await ws.send(json.dumps({"e": "serverShutdown", "E": int(time.time() * 1000)}))
            if shutdown_sent_at is not None and now - shutdown_sent_at > args.shutdown_grace:
                ws.transport.abort()
                return
            if next_ping is not None and now >= next_ping:
                next_ping = now + args.ping_interval
                asyncio.ensure_future(ping_and_wait())
            while cursor < state["released"]:
                _, data, _ = tape[cursor]
                this_pad = pad if cursor % args.pad_every == 0 else ""
                msg = ('{"stream":"%s",%s"data":%s}' % (stream_name, this_pad, data)) if combined else data
                if args.fragment > 1:
                    raw = msg.encode()
                    step = max(1, len(raw) // args.fragment)
                    pieces = [raw[k:k + step] for k in range(0, len(raw), step)]

                    async def gen(pieces=pieces):
                        for n, piece in enumerate(pieces):
                            if n > 0:
                                await ws.ping(random.randbytes(4))
                                state["pings"] += 1
                            yield piece
                    await ws.send(gen(), text=True)
                else:
                    await ws.send(msg)
                cursor += 1
                sent_here += 1
                state["sent"] += 1
                if drop_this and sent_here >= args.drop_after:
                    break
            if state["done"] and cursor >= state["released"]:
                await ws.close(1001, "tape finished")
                return
            await asyncio.sleep(0.003)
    except Exception:
        pass
    finally:
        # bnc-stream closes a connection it replaced with reason "rollover".
        if ws.close_reason == "rollover":
            state["rollovers"] += 1
        elif ws.close_code == 1000:
            state["client_closes"] += 1
        if stall:
            state["stall_ended"] = True
        state["open"] -= 1
        check_phases()
        write_stats()


async def producer():
    # The tape starts with the first connection, so a client sees it from its first trade.
    while state["connections"] == 0:
        await asyncio.sleep(0.005)
    start = time.monotonic()
    released_f = 0.0
    last = start
    while True:
        await asyncio.sleep(0.005)
        now = time.monotonic()
        released_f += (now - last) * args.rate
        last = now
        check_phases()
        target = min(int(released_f), state["limit"])
        # The very last trade waits for an open connection, so the run ends with a delivery.
        if target >= state["limit"] and state["open"] == 0:
            target = state["limit"] - 1
        if target > state["released"]:
            state["released"] = target
            state["last_released_id"] = tape[target - 1][0]
        if state["released"] >= state["limit"] and not state["done"]:
            state["done"] = True
            write_stats()
        if state["done"]:
            return


# ---- REST side -----------------------------------------------------------------------------
class Rest(JsonHandler):

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        state["rest_requests"] += 1
        if state["rest_429"] < args.rest_429_first:
            state["rest_429"] += 1
            write_stats()
            return self.reply(429, '{"code":-1003,"msg":"Too many requests"}', [("Retry-After", "1")])
        expected = "/api/v3/historicalTrades" if args.stream_kind == "trade" else "/api/v3/aggTrades"
        if url.path != expected:
            return self.reply(404, '{"code":-1,"msg":"not found"}')
        if q.get("symbol", [""])[0] != "BTCUSDT":
            return self.reply(400, '{"code":-1121,"msg":"Invalid symbol."}')
        from_id = int(q["fromId"][0])
        limit = min(1000, int(q.get("limit", ["500"])[0]))
        k = from_id - first_id
        upto = state["released"]
        rows = [tape[j][2] for j in range(max(k, 0), min(k + limit, upto))] if k < upto else []
        write_stats()
        self.reply(200, json.dumps(rows, separators=(",", ":")))


def rest_thread(server):
    server.serve_forever()


async def main():
    ssl_ctx = None
    if args.tls_cert:
        ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_ctx.load_cert_chain(args.tls_cert, args.tls_key)
    rest = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Rest)
    if args.rest_tls and ssl_ctx:
        rest.socket = ssl_ctx.wrap_socket(rest.socket, server_side=True)
    threading.Thread(target=rest_thread, args=(rest,), daemon=True).start()
    async with serve(handler, "127.0.0.1", 0, ssl=ssl_ctx, process_request=process_request,
                     ping_interval=None, max_size=None, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        write_stats()
        print("PORTS %d %d" % (port, rest.server_address[1]), flush=True)
        await producer()
        # Let the last connection drain and close, then linger refusing upgrades.
        deadline = time.monotonic() + args.linger
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            write_stats()


asyncio.run(main())
