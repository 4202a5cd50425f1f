"""guestbook: POST /entries stores a short message, GET /entries lists them.

Entries are appended, one JSON object a line, to entries.jsonl in DATA_DIR.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA_DIR = Path(os.environ.get("DATA_DIR", "/app/data"))
ENTRIES = DATA_DIR / "entries.jsonl"
MAX_BYTES = 4096


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            return self._send(200, {"status": "ok"})
        if self.path == "/entries":
            lines = ENTRIES.read_text().splitlines() if ENTRIES.exists() else []
            return self._send(200, {"entries": [json.loads(line) for line in lines]})
        return self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/entries":
            return self._send(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length", "0"))
        if not 0 < length <= MAX_BYTES:
            return self._send(400, {"error": f"send 1 to {MAX_BYTES} bytes"})
        text = self.rfile.read(length).decode("utf-8", "replace")
        with ENTRIES.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"message": text}) + "\n")
        return self._send(201, {"stored": True})


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    print(f"guestbook listening on port {port}, writing to {ENTRIES}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
