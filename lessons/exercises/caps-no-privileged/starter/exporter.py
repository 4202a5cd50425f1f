"""A tiny Prometheus exporter: counts lines and errors in the log files under LOG_DIR."""

import os
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

LOG_DIR = Path(os.environ.get("LOG_DIR", "/logs"))
PORT = int(os.environ.get("METRICS_PORT", "9100"))


def collect() -> str:
    lines = ["# TYPE log_lines_total counter", "# TYPE log_errors_total counter"]
    for path in sorted(LOG_DIR.glob("*.log")):
        total = errors = 0
        with path.open(errors="replace") as handle:
            for line in handle:
                total += 1
                if "ERROR" in line:
                    errors += 1
        lines.append(f'log_lines_total{{file="{path.name}"}} {total}')
        lines.append(f'log_errors_total{{file="{path.name}"}} {errors}')
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/metrics":
            self.send_error(404)
            return
        body = collect().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
