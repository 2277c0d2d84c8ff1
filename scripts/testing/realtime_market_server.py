#!/usr/bin/env python3
"""A Binance-like market in real time, for the detection-latency tests and bench (issue 12).

Trades are made up as the wall clock runs (trade and event time = now, epoch ms; ids consecutive
per symbol from 1,000,000; a random-walk price), at --symbols' rates (Poisson arrivals), and sent
to every connection subscribed to them: the bare payload on `/ws/<symbol>@trade`, the
combined-stream envelope on `/stream?streams=...`. Every trade made is kept for the REST backfill
(`GET /api/v3/historicalTrades?symbol=&fromId=&limit=`, Binance's JSON) on a second port.
WebSocket pings are answered (the `websockets` library does it) in every phase.

--script is a comma list of PHASE:SECONDS, run once from the first connection on:
  active    the market trades at its rates;
  silence   the market does not trade at all (a halted or thin market): nothing to send;
  drop      every connection is cut (TCP closed, no close frame) and new ones are refused (HTTP
            503) for the phase; the market keeps trading (the client must backfill);
  stall     connections stay open and answer pings, but no trade is sent while the market keeps
            trading; at the end sending resumes with new trades (the client finds the gap when
            the next trade arrives, and backfills it).
After the script the market stays active. Phase boundaries and connections (wall-clock ms) are
appended to --events as JSON lines, so a bench can tell which windows each case covers.

Writes "WS_PORT REST_PORT" to --port-file once ready; exits when the process that started it is gone.

Usage: realtime_market_server.py --port-file FILE [--events FILE] [--symbols BTCUSDT:20,THINUSDT:0.05]
                                 [--script active:60,silence:40,active:30,drop:5,active:30] [--seed N]
"""
import argparse
import asyncio
import http.server
import json
import os
import random
import sys
import threading
import time
import urllib.parse

import websockets
from websockets.asyncio.server import serve
from websockets.http11 import Response
from websockets.datastructures import Headers
from testpeer import JsonHandler
from testpeer import until_parent_exits

FIRST_ID = 1_000_000


def now_ms():
    return int(time.time() * 1000)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--events", help="append phase boundaries here (JSON lines)")
    ap.add_argument("--symbols", default="BTCUSDT:20", help="SYMBOL:TRADES_PER_SECOND,… (default BTCUSDT:20)")
    ap.add_argument("--script", default="", help="PHASE:SECONDS,… (active, silence, drop, stall)")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    args.rates = {}
    for item in args.symbols.split(","):
        name, _, rate = item.partition(":")
        args.rates[name.upper()] = float(rate)
    args.phases = []
    for item in filter(None, args.script.split(",")):
        name, _, seconds = item.partition(":")
        if name not in ("active", "silence", "drop", "stall"):
            ap.error(f"unknown phase {name}")
        args.phases.append((name, float(seconds)))
    return args


args = parse_args()
rng = random.Random(args.seed)
# Per symbol: every trade made, as (payload text, REST object); id = FIRST_ID + index.
history = {s: [] for s in args.rates}
prices = {s: 100.0 + 10 * i for i, s in enumerate(sorted(args.rates))}
state = {"phase": "active", "started": False}
connections = set()


def log_event(record):
    if args.events:
        with open(args.events, "a") as f:
            f.write(json.dumps(record) + "\n")


def make_trade(symbol, t):
    trades = history[symbol]
    trade_id = FIRST_ID + len(trades)
    prices[symbol] = max(1.0, prices[symbol] * (1 + rng.gauss(0, 0.0005)))
    price = f"{prices[symbol]:.8f}"
    qty = f"{rng.uniform(0.001, 0.5):.8f}"
    maker = rng.random() < 0.5
    payload = ('{"e":"trade","E":%d,"s":"%s","t":%d,"p":"%s","q":"%s","T":%d,"m":%s,"M":true}'
               % (t, symbol, trade_id, price, qty, t, "true" if maker else "false"))
    rest = {"id": trade_id, "price": price, "qty": qty, "quoteQty": f"{float(price) * float(qty):.8f}",
            "time": t, "isBuyerMaker": maker, "isBestMatch": True}
    trades.append((payload, rest))
    return payload


class Connection:
    def __init__(self, ws, symbols, combined):
        self.ws = ws
        self.symbols = symbols
        self.combined = combined
        self.queue = asyncio.Queue()


def subscribed(path):
    """Symbols (upper case) and whether the path is a combined stream."""
    url = urllib.parse.urlparse(path)
    if url.path.startswith("/stream"):
        streams = urllib.parse.parse_qs(url.query).get("streams", [""])[0].split("/")
        return {s.split("@")[0].upper() for s in streams if s}, True
    return {url.path.rsplit("/", 1)[-1].split("@")[0].upper()}, False


def process_request(connection, request):
    if state["phase"] == "drop":
        return Response(503, "Service Unavailable", Headers([("Content-Length", "0")]), b"")
    return None


async def handler(ws):
    symbols, combined = subscribed(ws.request.path)
    conn = Connection(ws, symbols, combined)
    connections.add(conn)
    state["started"] = True
    log_event({"event": "connected", "at": now_ms()})
    print(f"connection {ws.request.path}", file=sys.stderr, flush=True)
    try:
        while True:
            symbol, payload = await conn.queue.get()
            text = '{"stream":"%s@trade","data":%s}' % (symbol.lower(), payload) if conn.combined else payload
            await ws.send(text)
    except websockets.ConnectionClosed:
        pass
    finally:
        connections.discard(conn)


async def market():
    """Makes trades in real time and hands them to the connections the phase allows."""
    next_at = {s: time.time() + rng.expovariate(r) for s, r in args.rates.items() if r > 0}
    while True:
        now = time.time()
        phase = state["phase"]
        for s in list(next_at):
            while next_at[s] <= now:
                t = int(next_at[s] * 1000)
                next_at[s] += rng.expovariate(args.rates[s])
                if phase == "silence":
                    continue
                payload = make_trade(s, t)
                if phase in ("drop", "stall"):
                    continue
                for c in list(connections):
                    if s in c.symbols:
                        c.queue.put_nowait((s, payload))
        wait = min(next_at.values(), default=now + 0.05) - time.time()
        await asyncio.sleep(min(max(wait, 0.001), 0.05))


async def director():
    """Runs --script from the first connection on."""
    while not state["started"]:
        await asyncio.sleep(0.05)
    for name, seconds in args.phases:
        state["phase"] = name
        start = now_ms()
        print(f"phase {name} for {seconds} s", file=sys.stderr, flush=True)
        if name == "drop":
            for c in list(connections):
                c.ws.transport.abort()
        await asyncio.sleep(seconds)
        log_event({"phase": name, "start": start, "end": now_ms()})
    state["phase"] = "active"
    print("script done: active", file=sys.stderr, flush=True)


class Rest(JsonHandler):

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path != "/api/v3/historicalTrades":
            return self.reply(404, '{"code":-1,"msg":"not found"}')
        symbol = q.get("symbol", [""])[0].upper()
        if symbol not in history:
            return self.reply(400, '{"code":-1121,"msg":"Invalid symbol."}')
        k = int(q["fromId"][0]) - FIRST_ID
        limit = min(1000, int(q.get("limit", ["500"])[0]))
        trades = history[symbol]
        rows = [trades[j][1] for j in range(max(k, 0), min(k + limit, len(trades)))]
        print(f"REST {symbol} fromId={k + FIRST_ID}: {len(rows)} trades", file=sys.stderr, flush=True)
        self.reply(200, json.dumps(rows, separators=(",", ":")))


async def main():
    rest = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Rest)
    threading.Thread(target=rest.serve_forever, daemon=True).start()
    async with serve(handler, "127.0.0.1", 0, process_request=process_request, ping_interval=20,
                     compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port} {rest.server_address[1]}\n")
        os.replace(tmp, args.port_file)
        asyncio.get_running_loop().create_task(market())
        asyncio.get_running_loop().create_task(director())
        await until_parent_exits()   # a test that dies never leaves the server behind


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
