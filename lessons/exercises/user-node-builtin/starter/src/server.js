// pastebin: POST /pastes stores the body and answers with its id,
// GET /pastes/<id> returns it, GET /healthz answers health checks.
"use strict";

const http = require("node:http");
const fs = require("node:fs/promises");
const path = require("node:path");
const crypto = require("node:crypto");

const PORT = Number(process.env.PORT || 3000);
const PASTES_DIR = process.env.PASTES_DIR || "/app/pastes";
const MAX_BYTES = 64 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BYTES) throw Object.assign(new Error("too large"), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200).end("ok\n");
    } else if (req.method === "POST" && req.url === "/pastes") {
      const id = crypto.randomBytes(8).toString("hex");
      await fs.writeFile(path.join(PASTES_DIR, id), await readBody(req));
      res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ id }));
    } else if (req.method === "GET" && /^\/pastes\/[0-9a-f]{16}$/.test(req.url)) {
      const text = await fs.readFile(path.join(PASTES_DIR, req.url.slice(8)));
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end(text);
    } else {
      res.writeHead(404).end("not found\n");
    }
  } catch (err) {
    const status = err.status || (err.code === "ENOENT" ? 404 : 500);
    if (status === 500) console.error(err);
    res.writeHead(status).end(`${http.STATUS_CODES[status]}\n`);
  }
});

server.listen(PORT, () => console.log(`pastebin listening on port ${PORT}`));
