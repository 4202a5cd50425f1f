"""Orders API: a small Flask service backed by PostgreSQL."""

import datetime as dt
import os

import jwt
import psycopg
from flask import Flask, abort, jsonify, request


def read_secret(name: str) -> str:
    """NAME_FILE, if set, names a file holding the value; otherwise read NAME itself."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"set {name} or {name}_FILE")
    return value


def database_dsn() -> str:
    """DATABASE_URL when it is set; otherwise built from DB_HOST, DB_NAME, DB_USER, DB_PASSWORD."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return psycopg.conninfo.make_conninfo(
        host=os.environ.get("DB_HOST", "db"),
        dbname=os.environ.get("DB_NAME", "shop"),
        user=os.environ.get("DB_USER", "shop"),
        password=read_secret("DB_PASSWORD"),
    )


JWT_SECRET = read_secret("JWT_SECRET")
DB_DSN = database_dsn()

app = Flask(__name__)


def caller() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        abort(401)
    try:
        claims = jwt.decode(header.removeprefix("Bearer "), JWT_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        abort(401)
    return claims["sub"]


@app.get("/healthz")
def healthz():
    with psycopg.connect(DB_DSN, connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return "ok\n"


@app.get("/api/orders")
def orders():
    customer = caller()
    with psycopg.connect(DB_DSN) as conn:
        rows = conn.execute(
            "SELECT id, status, placed_at FROM orders WHERE customer = %s ORDER BY placed_at DESC",
            (customer,),
        ).fetchall()
    return jsonify([
        {"id": r[0], "status": r[1], "placed_at": r[2].isoformat()} for r in rows
    ])


@app.post("/api/token")
def token():
    # Demo login for the workshop: any customer name gets a one-hour token.
    customer = request.get_json(force=True).get("customer", "")
    if not customer:
        abort(400)
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    return jsonify(token=jwt.encode({"sub": customer, "exp": expires}, JWT_SECRET))
