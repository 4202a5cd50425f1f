// shop-web: GET / greets shoppers, GET /healthz answers health checks.
// With TLS_CERT_FILE and TLS_KEY_FILE set (as in .env for local development) it serves
// HTTPS; in production a proxy in front of it terminates TLS and it serves plain HTTP.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");

const PORT = Number(process.env.PORT || 3000);

function handler(req, res) {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "application/json" });
    return res.end(JSON.stringify({ status: "ok" }));
  }
  if (req.method === "GET" && req.url === "/") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    return res.end("Welcome to the shop.\n");
  }
  res.writeHead(404, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ error: "not found" }));
}

const { TLS_CERT_FILE, TLS_KEY_FILE } = process.env;
const server =
  TLS_CERT_FILE && TLS_KEY_FILE
    ? https.createServer(
        { cert: fs.readFileSync(TLS_CERT_FILE), key: fs.readFileSync(TLS_KEY_FILE) },
        handler,
      )
    : http.createServer(handler);

server.listen(PORT, () => console.log(`shop-web listening on port ${PORT}`));
