"""reports: every hour, fetch the orders summary and keep it as a CSV file.

ORDERS_URL answers with JSON like {"orders": [{"id": 1, "status": "paid", "total": 9.5}]};
each run writes REPORTS_DIR/orders-YYYY-MM-DDTHH.csv.
"""

import csv
import datetime as dt
import json
import os
import time
import urllib.request
from pathlib import Path

ORDERS_URL = os.environ.get("ORDERS_URL", "http://orders:8000/api/orders/summary")
REPORTS_DIR = Path(os.environ.get("REPORTS_DIR", "/var/lib/reports"))
EVERY_SECONDS = int(os.environ.get("EVERY_SECONDS", "3600"))


def write_report() -> Path:
    with urllib.request.urlopen(ORDERS_URL, timeout=20) as response:
        orders = json.load(response)["orders"]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H")
    path = REPORTS_DIR / f"orders-{stamp}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "status", "total"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(orders)
    return path


if __name__ == "__main__":
    while True:
        try:
            print(f"reports: wrote {write_report()}", flush=True)
        except OSError as exc:
            print(f"reports: {exc}", flush=True)
        time.sleep(EVERY_SECONDS)
