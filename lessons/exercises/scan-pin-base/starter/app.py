from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok\n"


@app.get("/api/quote")
def quote():
    return jsonify(text="Measure twice, build once.")
