// passkeeper: hashes and verifies passwords with Argon2id for the other services.
const http = require("node:http");
const argon2 = require("argon2");

const port = Number(process.env.PORT || 3000);
const MAX_BODY = 4096;

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
      if (body.length > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      }
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function send(res, status, payload) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload) + "\n");
}

const server = http.createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    send(res, 200, { ok: true });
    return;
  }
  if (req.method !== "POST") {
    send(res, 405, { error: "method not allowed" });
    return;
  }
  try {
    const { password, hash } = await readJson(req);
    if (typeof password !== "string" || password.length === 0) {
      send(res, 400, { error: "password is required" });
    } else if (req.url === "/hash") {
      send(res, 200, { hash: await argon2.hash(password, { type: argon2.argon2id }) });
    } else if (req.url === "/verify" && typeof hash === "string") {
      send(res, 200, { match: await argon2.verify(hash, password) });
    } else {
      send(res, 404, { error: "not found" });
    }
  } catch (err) {
    send(res, 400, { error: "bad request" });
  }
});

server.listen(port, () => console.log(`passkeeper listening on ${port}`));
