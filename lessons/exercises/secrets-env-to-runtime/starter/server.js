// orders-api: reads its database settings at start-up and serves GET /healthz.
// The database client itself is left out to keep the exercise small.
"use strict";

const http = require("node:http");
const fs = require("node:fs");

// Read a setting from NAME_FILE (a file such as /run/secrets/name) when that variable
// is set, otherwise from NAME itself. Official images like postgres use the same
// convention.
function setting(name) {
  const file = process.env[`${name}_FILE`];
  if (file) return fs.readFileSync(file, "utf8").trim();
  return process.env[name];
}

const db = {
  host: setting("DATABASE_HOST"),
  database: setting("DATABASE_NAME"),
  user: setting("DATABASE_USER"),
  password: setting("DATABASE_PASSWORD"),
};

if (!db.password) {
  console.error("orders-api: no database password (set DATABASE_PASSWORD_FILE)");
  process.exit(1);
}

const PORT = Number(process.env.PORT || 3000);

http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200, { "Content-Type": "application/json" });
      // Report what is configured, never the password itself.
      return res.end(JSON.stringify({ status: "ok", database: `${db.user}@${db.host}/${db.database}` }));
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  })
  .listen(PORT, () => console.log(`orders-api listening on port ${PORT}`));
