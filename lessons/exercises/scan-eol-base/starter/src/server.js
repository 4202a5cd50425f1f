const http = require("node:http");

const port = Number(process.env.PORT || 3000);
const orders = new Map([
  ["1001", "shipped"],
  ["1002", "packing"],
]);

http
  .createServer((req, res) => {
    const match = /^\/orders\/(\d+)$/.exec(req.url);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const status = orders.get(match[1]);
    res.writeHead(status ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: match[1], status: status || "unknown" }) + "\n");
  })
  .listen(port, () => console.log(`order-status listening on ${port}`));
