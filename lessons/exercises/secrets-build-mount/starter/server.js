// invoice-api: GET /invoices/:id returns a placeholder invoice; GET /healthz for probes.
"use strict";

const http = require("node:http");
const { createLogger } = require("@acme/logger"); // from the private registry

const log = createLogger({ service: "invoice-api" });
const PORT = Number(process.env.PORT || 3000);

function send(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      return send(res, 200, { status: "ok" });
    }
    const match = req.method === "GET" && req.url.match(/^\/invoices\/(\d+)$/);
    if (match) {
      log.info("invoice requested", { id: match[1] });
      return send(res, 200, { id: Number(match[1]), total: "0.00", currency: "EUR" });
    }
    return send(res, 404, { error: "not found" });
  })
  .listen(PORT, () => log.info(`listening on port ${PORT}`));
