"""quotes-api: GET /quote returns a random quote; GET /healthz answers health checks."""

import random

from flask import Flask, jsonify

app = Flask(__name__)

QUOTES = [
    "Make it work, make it right, make it fast.",
    "Simple things should be simple, complex things should be possible.",
    "There is no cloud, just other people's computers.",
]


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/quote")
def quote():
    return jsonify(quote=random.choice(QUOTES))
