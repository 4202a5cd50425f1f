"""status-board: GET /healthz for probes, GET / for a visit counter kept on disk."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = int(os.environ.get("PORT", "8080"))
DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))
LOG_DIR = Path(os.environ.get("LOG_DIR", "logs"))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self.reply(200, {"status": "ok"})
            return
        if self.path != "/":
            self.reply(404, {"error": "not found"})
            return
        counter = DATA_DIR / "visits.txt"
        visits = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(visits))
        self.reply(200, {"visits": visits})

    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        with open(LOG_DIR / "access.log", "a", encoding="utf-8") as log:
            log.write(f"{self.address_string()} {format % args}\n")


if __name__ == "__main__":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    print(f"status-board listening on port {PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
