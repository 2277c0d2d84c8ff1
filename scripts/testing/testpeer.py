"""What the local test peers (the WebSocket/REST servers in this folder) share; never used by bnc.

- JsonHandler: an HTTP/1.1 request handler that answers JSON bodies quietly (no access log).
- until_parent_exits: returns when the process that started the server is gone, so a test that
  dies (or cannot signal it) never leaves a server behind.
"""
import asyncio
import http.server
import os


class JsonHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


async def until_parent_exits():
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(1)
