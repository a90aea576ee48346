// A server that answers OpenAI-style streaming completions at once: max_tokens events of
// one token each, written back to back, then [DONE]. With no model behind it, what
// `stratbench load` measures against it is the client's own cost (plus this server's and
// the loopback's), the figure scripts/measure-load-overhead.sh reports.
//
// usage: node scripts/instant-server.mjs PORT   (prints "listening on http://127.0.0.1:PORT")
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    let n = 16;
    try {
      n = Math.max(1, Math.min(4096, JSON.parse(body).max_tokens ?? 16));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    let out = "";
    for (let i = 0; i < n; i++)
      out += `data: {"object":"text_completion","choices":[{"index":0,"text":" x","finish_reason":null}]}\n\n`;
    out += `data: {"object":"text_completion","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":${n}}}\n\n`;
    res.end(out + "data: [DONE]\n\n");
  });
});
server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
