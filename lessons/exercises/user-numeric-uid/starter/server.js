// notes-api: POST /notes stores the request body as a note, GET /notes lists them,
// GET /healthz answers health checks.
"use strict";

const http = require("node:http");
const fs = require("node:fs/promises");
const path = require("node:path");
const crypto = require("node:crypto");

const PORT = Number(process.env.PORT || 3000);
const NOTES_DIR = process.env.NOTES_DIR || path.join(__dirname, "notes");

function send(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/healthz") {
      return send(res, 200, { status: "ok" });
    }
    if (req.method === "GET" && req.url === "/notes") {
      const names = await fs.readdir(NOTES_DIR);
      return send(res, 200, { notes: names.sort() });
    }
    if (req.method === "POST" && req.url === "/notes") {
      const text = await readBody(req);
      const id = crypto.randomUUID();
      await fs.writeFile(path.join(NOTES_DIR, `${id}.txt`), text);
      return send(res, 201, { id });
    }
    return send(res, 404, { error: "not found" });
  } catch (err) {
    console.error(err);
    return send(res, 500, { error: "internal error" });
  }
});

fs.mkdir(NOTES_DIR, { recursive: true }).then(() => {
  server.listen(PORT, () => console.log(`notes-api listening on port ${PORT}`));
});
