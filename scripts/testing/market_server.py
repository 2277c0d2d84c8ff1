#!/usr/bin/env python3
"""A whole Binance-like spot market in real time, with Binance's limits enforced (issue 15).

--symbols N symbols M0000USDT … (plus a few BTC-quoted and one halted symbol in exchangeInfo, so
`--quote USDT` has something to leave out) trade at skewed rates: symbol rank r at
--top-rate / (r + 1), at least --min-rate (a few per minute), Poisson arrivals; every
--burst-every seconds one random symbol trades at 30 times its rate (at least 10/s) for 3 s.
Ids are consecutive per symbol from 1,000,000; trade and event time = now (epoch ms).

WebSocket (Binance's forms): `/ws/<symbol>@trade` (bare payload), `/stream?streams=a@trade/…`
(combined envelope), and SUBSCRIBE/UNSUBSCRIBE messages on either (`{"result":null,"id":n}`).
Pings every 20 s, a connection whose pong is 60 s late is cut (Binance's figures).
REST on a second port: `GET /api/v3/exchangeInfo` (weight 20), `GET /api/v3/historicalTrades`
(weight 25; every trade made is kept), with `X-MBX-USED-WEIGHT-1M`.

Limits, each breach answered like Binance does and recorded as a violation in --stats:
  more than 1024 streams on one connection   -> HTTP 400 at the upgrade / close 1008;
  more than 5 incoming messages a second     -> close 1008 (SUBSCRIBE etc.; the library answers
                                                pings itself, so control frames are not counted);
  more than --connections-per-window connection attempts in --connection-window seconds -> HTTP 429;
  more than --weight-limit REST weight in 60 s -> HTTP 429 with Retry-After.

--drop I:SECONDS,… cuts connection number I (0-based, in opening order) SECONDS after the first
connection opened (TCP closed, no close frame); the market keeps trading, the client must
reconnect and backfill. --trade-seconds S stops making trades S seconds after the first
connection (0: never), so a run can end with everything delivered.

--stats FILE is rewritten every second (and at exit): per symbol the ids made (first, last) and
the ids sent over WebSocket as [first, last] runs, connections with their stream counts, REST
requests and weight, and the violations. Writes "WS_PORT REST_PORT" to --port-file once ready;
exits when the process that started it is gone (or on SIGTERM).

Usage: market_server.py --port-file FILE [--stats FILE] [--symbols 2000] [--top-rate 40]
                        [--min-rate 0.05] [--drop 1:12] [--trade-seconds 25] [--seed N]
"""
import argparse
import asyncio
import collections
import heapq
import http.server
import json
import os
import random
import signal
import sys
import threading
import time
import urllib.parse

import websockets
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response
from testpeer import JsonHandler

FIRST_ID = 1_000_000
MAX_STREAMS = 1024
MAX_INCOMING_PER_SECOND = 5


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--stats")
    ap.add_argument("--symbols", type=int, default=2000)
    ap.add_argument("--top-rate", type=float, default=40.0, help="trades/s of the busiest symbol")
    ap.add_argument("--min-rate", type=float, default=0.05, help="least trades/s of any symbol (0.05 = 3 a minute)")
    ap.add_argument("--burst-every", type=float, default=10.0, help="seconds between bursts (0: none)")
    ap.add_argument("--drop", default="", help="I:SECONDS,… connections to cut")
    ap.add_argument("--trade-seconds", type=float, default=0.0)
    ap.add_argument("--connections-per-window", type=int, default=300)
    ap.add_argument("--connection-window", type=float, default=300.0)
    ap.add_argument("--weight-limit", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    args.drops = []
    for item in filter(None, args.drop.split(",")):
        index, _, at = item.partition(":")
        args.drops.append((int(index), float(at)))
    return args


args = parse_args()
rng = random.Random(args.seed)
SYMBOLS = [f"M{i:04d}USDT" for i in range(args.symbols)]
RATES = {s: max(args.min_rate, args.top_rate / (i + 1)) for i, s in enumerate(SYMBOLS)}
EXTRA = [("M0000BTC", "TRADING", "BTC"), ("M0001BTC", "TRADING", "BTC"), ("HALTUSDT", "BREAK", "USDT")]
history = {s: [] for s in SYMBOLS}          # per symbol: REST objects, id = FIRST_ID + index
prices = {s: 10.0 + (i % 97) for i, s in enumerate(SYMBOLS)}
sent = {s: [] for s in SYMBOLS}             # per symbol: [first, last] runs of ids sent over WS
lock = threading.Lock()                      # history is read by the REST thread
state = {"first_connection_at": None, "connection_count": 0, "trading": True, "burst": None, "max_streams": 0}
connections = {}                             # number -> Connection
attempts = collections.deque()
violations = []
rest_stats = {"requests": 0, "weight": 0, "by_path": collections.Counter(), "max_weight_1m": 0}
weight_log = collections.deque()


def violation(what):
    violations.append({"at": int(time.time() * 1000), "what": what})
    print(f"VIOLATION {what}", file=sys.stderr, flush=True)


def streams_of(path):
    url = urllib.parse.urlparse(path)
    if url.path.startswith("/stream"):
        streams = urllib.parse.parse_qs(url.query).get("streams", [""])[0].split("/")
        return [s for s in streams if s], True
    if url.path.startswith("/ws/"):
        return [url.path[4:]], False
    return [], url.path.startswith("/stream")


class Connection:
    def __init__(self, number, ws, streams, combined):
        self.number = number
        self.ws = ws
        self.symbols = set()                 # the market's symbols among the streams
        self.streams = set()                 # every stream subscribed (what the limit counts)
        self.combined = combined
        self.queue = asyncio.Queue()
        self.incoming = collections.deque()
        self.opened_at = time.time()
        self.max_streams = 0
        self.add(streams)

    def add(self, streams):
        for s in streams:
            self.streams.add(s)
            name, _, kind = s.partition("@")
            if kind == "trade" and name.upper() in RATES:
                self.symbols.add(name.upper())
        self.max_streams = max(self.max_streams, len(self.streams))
        state["max_streams"] = max(state["max_streams"], self.max_streams)


def process_request(connection, request):
    now = time.time()
    while attempts and attempts[0] <= now - args.connection_window:
        attempts.popleft()
    attempts.append(now)
    if len(attempts) > args.connections_per_window:
        violation(f"{len(attempts)} connection attempts within {args.connection_window:g} s")
        return Response(429, "Too Many Requests", Headers([("Content-Length", "0")]), b"")
    streams, _ = streams_of(request.path)
    if len(streams) > MAX_STREAMS:
        violation(f"{len(streams)} streams in one connection URL")
        return Response(400, "Bad Request", Headers([("Content-Length", "0")]), b"")
    return None


async def reader(conn):
    """Answers SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS and counts incoming messages."""
    async for text in conn.ws:
        now = time.time()
        conn.incoming.append(now)
        while conn.incoming and conn.incoming[0] <= now - 1:
            conn.incoming.popleft()
        if len(conn.incoming) > MAX_INCOMING_PER_SECOND:
            violation(f"connection {conn.number}: {len(conn.incoming)} incoming messages within 1 s")
            await conn.ws.close(1008, "Too many requests")
            return
        try:
            msg = json.loads(text)
        except ValueError:
            continue
        method, params = msg.get("method"), msg.get("params") or []
        if method == "SUBSCRIBE":
            conn.add(params)
            if len(conn.streams) > MAX_STREAMS:
                violation(f"connection {conn.number}: {len(conn.streams)} streams subscribed")
                await conn.ws.close(1008, "Too many streams")
                return
        elif method == "UNSUBSCRIBE":
            for s in params:
                conn.streams.discard(s)
                conn.symbols.discard(s.partition("@")[0].upper())
        await conn.ws.send(json.dumps({"result": None, "id": msg.get("id")}, separators=(",", ":")))


async def handler(ws):
    streams, combined = streams_of(ws.request.path)
    number = state["connection_count"]
    state["connection_count"] += 1
    conn = Connection(number, ws, streams, combined)
    connections[number] = conn
    if state["first_connection_at"] is None:
        state["first_connection_at"] = time.time()
    print(f"connection {number}: {len(conn.symbols)} streams", file=sys.stderr, flush=True)
    reading = asyncio.get_running_loop().create_task(reader(conn))
    try:
        while True:
            symbol, payload, trade_id = await conn.queue.get()
            text = '{"stream":"%s@trade","data":%s}' % (symbol.lower(), payload) if conn.combined else payload
            await ws.send(text)
            runs = sent[symbol]
            if runs and runs[-1][1] + 1 == trade_id:
                runs[-1][1] = trade_id
            else:
                runs.append([trade_id, trade_id])
    except websockets.ConnectionClosed:
        pass
    finally:
        reading.cancel()
        connections.pop(number, None)


def make_trade(symbol, t):
    trades = history[symbol]
    trade_id = FIRST_ID + len(trades)
    prices[symbol] = max(0.0001, prices[symbol] * (1 + rng.gauss(0, 0.0005)))
    price = f"{prices[symbol]:.8f}"
    qty = f"{rng.uniform(0.001, 5):.8f}"
    maker = rng.random() < 0.5
    payload = ('{"e":"trade","E":%d,"s":"%s","t":%d,"p":"%s","q":"%s","T":%d,"m":%s,"M":true}'
               % (t, symbol, trade_id, price, qty, t, "true" if maker else "false"))
    rest = {"id": trade_id, "price": price, "qty": qty, "quoteQty": f"{float(price) * float(qty):.8f}",
            "time": t, "isBuyerMaker": maker, "isBestMatch": True}
    with lock:
        trades.append(rest)
    return payload, trade_id


def rate(symbol, now):
    burst = state["burst"]
    if burst and burst[0] == symbol and now < burst[1]:
        return max(10.0, 30 * RATES[symbol])
    return RATES[symbol]


async def market():
    start = time.time()
    heap = [(start + rng.expovariate(RATES[s]), s) for s in SYMBOLS]
    heapq.heapify(heap)
    next_burst = start + args.burst_every if args.burst_every > 0 else float("inf")
    next_stats = start + 1
    while True:
        now = time.time()
        first = state["first_connection_at"]
        if first is not None:
            if args.trade_seconds > 0 and now - first >= args.trade_seconds and state["trading"]:
                state["trading"] = False
                print("trading stopped", file=sys.stderr, flush=True)
            for index, at in args.drops:
                if now - first >= at and index in connections and not getattr(connections[index], "dropped", False):
                    connections[index].dropped = True
                    print(f"dropping connection {index}", file=sys.stderr, flush=True)
                    connections[index].ws.transport.abort()
        if now >= next_burst:
            state["burst"] = (rng.choice(SYMBOLS), now + 3)
            next_burst = now + args.burst_every
        while heap and heap[0][0] <= now:
            at, s = heapq.heappop(heap)
            heapq.heappush(heap, (at + rng.expovariate(rate(s, at)), s))
            if not state["trading"]:
                continue
            payload, trade_id = make_trade(s, int(at * 1000))
            for c in list(connections.values()):
                if s in c.symbols:
                    c.queue.put_nowait((s, payload, trade_id))
        if now >= next_stats:
            write_stats()
            next_stats = now + 1
        wait = (heap[0][0] if heap else now + 0.05) - time.time()
        await asyncio.sleep(min(max(wait, 0.001), 0.05))


def write_stats():
    if not args.stats:
        return
    with lock:
        made = {s: [FIRST_ID, FIRST_ID + len(h) - 1] for s, h in history.items() if h}
    record = {
        "symbols": len(SYMBOLS),
        "made": made,
        "sent": {s: runs for s, runs in sent.items() if runs},
        "connections_opened": state["connection_count"],
        "open_connections": {str(n): len(c.symbols) for n, c in connections.items()},
        "max_streams_per_connection": state["max_streams"],
        "rest": {"requests": rest_stats["requests"], "weight": rest_stats["weight"],
                 "max_weight_1m": rest_stats["max_weight_1m"], "by_path": dict(rest_stats["by_path"])},
        "violations": violations,
    }
    tmp = args.stats + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f)
    os.replace(tmp, args.stats)


class Rest(JsonHandler):

    def spend(self, weight):
        """Books the weight; False (and a violation) past the limit."""
        now = time.time()
        with lock:
            while weight_log and weight_log[0][0] <= now - 60:
                weight_log.popleft()
            used = sum(w for _, w in weight_log) + weight
            weight_log.append((now, weight))
            rest_stats["requests"] += 1
            rest_stats["weight"] += weight
            rest_stats["max_weight_1m"] = max(rest_stats["max_weight_1m"], used)
        self.used = used
        if used > args.weight_limit:
            violation(f"REST weight {used} within 60 s (limit {args.weight_limit})")
            return False
        return True

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        rest_stats["by_path"][url.path] += 1
        if url.path == "/api/v3/exchangeInfo":
            if not self.spend(20):
                return self.reply(429, '{"code":-1003,"msg":"Too much request weight used"}', [("Retry-After", "5")])
            symbols = [{"symbol": s, "status": "TRADING", "baseAsset": s[:-4], "quoteAsset": "USDT",
                        "isSpotTradingAllowed": True, "filters": [{"filterType": "PRICE_FILTER", "tickSize": "0.00000100"}],
                        "permissionSets": [["SPOT"]]} for s in SYMBOLS]
            symbols += [{"symbol": s, "status": st, "baseAsset": s[:-len(qa)], "quoteAsset": qa,
                         "isSpotTradingAllowed": True, "filters": [], "permissionSets": [["SPOT"]]} for s, st, qa in EXTRA]
            body = {"timezone": "UTC", "serverTime": int(time.time() * 1000),
                    "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                                    "limit": args.weight_limit}], "exchangeFilters": [], "symbols": symbols}
            return self.reply(200, json.dumps(body, separators=(",", ":")))
        if url.path != "/api/v3/historicalTrades":
            return self.reply(404, '{"code":-1,"msg":"not found"}')
        if not self.spend(25):
            return self.reply(429, '{"code":-1003,"msg":"Too much request weight used"}', [("Retry-After", "5")])
        symbol = q.get("symbol", [""])[0].upper()
        if symbol not in history:
            return self.reply(400, '{"code":-1121,"msg":"Invalid symbol."}')
        k = int(q["fromId"][0]) - FIRST_ID
        limit = min(1000, int(q.get("limit", ["500"])[0]))
        with lock:
            trades = history[symbol]
            rows = trades[max(k, 0):max(k + limit, 0)]
        self.reply(200, json.dumps(rows, separators=(",", ":")), [("X-MBX-USED-WEIGHT-1M", str(self.used))])


async def main():
    rest = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Rest)
    threading.Thread(target=rest.serve_forever, daemon=True).start()
    loop = asyncio.get_running_loop()
    stopping = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stopping.done() or stopping.set_result(None))
    async with serve(handler, "127.0.0.1", 0, process_request=process_request,
                     # Binance pings every 20 s and cuts a connection whose pong is a minute late.
                     ping_interval=20, ping_timeout=60,
                     compression=None, max_size=1 << 20, max_queue=None) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port} {rest.server_address[1]}\n")
        os.replace(tmp, args.port_file)
        loop.create_task(market())
        parent = os.getppid()
        while os.getppid() == parent and not stopping.done():
            await asyncio.wait([stopping], timeout=1)
        write_stats()
        # Closing the server would wait for every handler, blocked on its queue: leave at once.
        os._exit(0)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
