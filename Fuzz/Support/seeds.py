"""Seed inputs for the fuzz targets that need structure (frames, HTTP heads, CSV files), made from
the real captures: scripts/fuzz.sh pipes combined-stream trade lines in on stdin.

Usage: seeds.py TARGET DIR DATA_DIR < combined-stream lines
"""
import base64
import hashlib
import json
import os
import struct
import sys

target, out, data = sys.argv[1], sys.argv[2], sys.argv[3]
lines = [l.rstrip("\n") for l in sys.stdin if l.strip()]
payloads = [json.dumps(json.loads(l)["data"], separators=(",", ":")) for l in lines]


def write(name, blob):
    with open(os.path.join(out, name), "wb") as f:
        f.write(blob)


def frame(opcode, payload, fin=True, mask=None):
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    m = 0x80 if mask else 0
    if n < 126:
        head += bytes([m | n])
    elif n < 65536:
        head += bytes([m | 126]) + struct.pack(">H", n)
    else:
        head += bytes([m | 127]) + struct.pack(">Q", n)
    if mask:
        head += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


if target == "WebSocketReader":
    # byte 0: cap index (low 3 bits) and role (bit 3); byte 1: receive piece size.
    msgs = [p.encode() for p in payloads]
    write("text-frames", bytes([7, 63]) + b"".join(frame(1, m) for m in msgs[:10]))
    write("combined", bytes([7, 20]) + b"".join(frame(1, l.encode()) for l in lines[:5]))
    m = msgs[0]
    write("fragmented-with-ping", bytes([7, 5]) + frame(1, m[:30], fin=False) + frame(9, b"ping!")
          + frame(0, m[30:60], fin=False) + frame(0, m[60:]) + frame(10, b"") + frame(8, struct.pack(">H", 1000) + b"bye"))
    write("len16", bytes([7, 63]) + frame(1, b"x" * 300))
    write("len64", bytes([7, 63]) + frame(2, b"\x00" * 70000)[:200])
    write("masked-server", bytes([15, 40]) + frame(1, m, mask=b"\x01\x02\x03\x04"))
    write("over-cap", bytes([0, 63]) + frame(1, b"y" * 40))
    write("close-empty", bytes([7, 1]) + frame(8, b""))
elif target == "WebSocketHandshake":
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    ok = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode()
    write("101", ok)
    write("101-with-frame", ok + frame(1, payloads[0].encode()))
    write("429", b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n")
    write("418", b"HTTP/1.1 418 I'm a teapot\r\nretry-after:  120 \r\n\r\n")
    write("400", b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>bad</html>")
    write("h2", b"HTTP/2 101\r\nupgrade: websocket\r\nconnection: keep-alive, Upgrade\r\n\r\n")
elif target == "ResultReader":
    seed = os.path.join(data, "seed-run")
    for name in ["window_results_2026-02-28.csv", "window_results.csv", "trade_rate.csv"]:
        with open(os.path.join(seed, name), "rb") as f:
            write("orig-" + name, b"".join(f.readlines()[:25]))
    header = ("timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,"
              "symbol,window_end,complete,model_version,anomaly_score\n")
    rows = ["2024-08-08T23:54:00.000Z,312,4.51,0.0144,0.00012,3.2,,,BTCUSDT,2024-08-08T23:54:20.000Z,false,0,",
            "2024-08-08T23:54:20.000Z,1024,12.5,0.0122,-0.0004,5.5,0.031,1,BTCUSDT,2024-08-08T23:54:40.000Z,true,1,0.47",
            "2024-08-08T23:54:40.000Z,0,0,0,0,0,-0.02,-1,BTCUSDT,2024-08-08T23:55:00.000Z,true,1,0.61"]
    write("ours.csv", (header + "\n".join(rows) + "\n").encode())
    nd = []
    for r in rows:
        v = r.split(",")
        nd.append(json.dumps({"timestamp": v[0], "trade_count": int(v[1]), "volume": float(v[2]),
                              "avg_trade_size": float(v[3]), "return": float(v[4]), "volatility": float(v[5]),
                              "score": float(v[6]) if v[6] else None, "prediction": int(v[7]) if v[7] else None,
                              "symbol": v[8], "window_end": v[9], "complete": v[10] == "true",
                              "model_version": int(v[11]), "anomaly_score": float(v[12]) if v[12] else None}))
    write("ours.ndjson", ("\n".join(nd) + "\n").encode())
    # With the reason column (issue 14): the 14-column CSV and NDJSON with reason and attribution.
    reasons = ["", "price_volatility↑;volume↑", "trade_count↓"]
    write("ours-reason.csv", (header.rstrip("\n") + ",reason\n"
                              + "\n".join(r + "," + why for r, why in zip(rows, reasons)) + "\n").encode())
    nd_reason = []
    for line, why in zip(nd, reasons):
        o = json.loads(line)
        o["reason"] = why if o["score"] is not None else None
        o["attribution"] = {"trade_count": 0.5, "volume": 0.5} if o["score"] is not None else None
        nd_reason.append(json.dumps(o, ensure_ascii=False))
    write("ours-reason.ndjson", ("\n".join(nd_reason) + "\n").encode())
elif target == "PublicDataConverter":
    # byte 0: kind hint (mod 3) and timestamp unit (>> 2).
    trades = [json.loads(p) for p in payloads]
    rows = [f'{t["t"]},{t["p"]},{t["q"]},{float(t["p"]) * float(t["q"]):.8f},{t["T"]},{t["m"]},True' for t in trades]
    write("trades-ms", b"\x00" + ("\n".join(rows) + "\n").encode())
    write("trades-header", b"\x01" + ("id,price,qty,quote_qty,time,is_buyer_maker,is_best_match\n"
                                       + "\n".join(r.replace("True", "true").replace("False", "false") for r in rows)).encode())
    us = [f'{t["t"]},{t["p"]},{t["q"]},0,{t["T"] * 1000},{str(t["m"])},True' for t in trades]
    write("trades-us", b"\x04" + ("\r\n".join(us) + "\r\n").encode())
    agg = [f'{t["t"]},{t["p"]},{t["q"]},{t["t"]},{t["t"] + 2},{t["T"]},{t["m"]},True' for t in trades]
    write("aggtrades", b"\x02" + ("agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match\n"
                                   + "\n".join(agg) + "\n").encode())
elif target == "BackfillConverter":
    # byte 0: bit 0 = aggTrade. historicalTrades / aggTrades answers as Binance's REST sends them.
    trades = [json.loads(p) for p in payloads]
    hist = [{"id": t["t"], "price": t["p"], "qty": t["q"], "quoteQty": "0.1", "time": t["T"],
             "isBuyerMaker": t["m"], "isBestMatch": True} for t in trades]
    write("historical", b"\x00" + json.dumps(hist[:8], separators=(",", ":")).encode())
    write("historical-pretty", b"\x00" + json.dumps(hist[:3], indent=2).encode())
    agg = [{"a": t["t"], "p": t["p"], "q": t["q"], "f": t["t"], "l": t["t"] + 1, "T": t["T"],
            "m": t["m"], "M": True} for t in trades]
    write("agg", b"\x01" + json.dumps(agg[:8], separators=(",", ":")).encode())
    write("error", b"\x00" + b'{"code":-1121,"msg":"Invalid symbol."}')
    write("empty", b"\x00[]")
