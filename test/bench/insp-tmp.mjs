import WebSocket from "ws";
const [,, port, expr] = process.argv;
const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const ws = new WebSocket(list[0].webSocketDebuggerUrl);
await new Promise(r => ws.on("open", r));
ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: expr, returnByValue: true, awaitPromise: true, includeCommandLineAPI: true } }));
ws.on("message", (m) => { console.log(JSON.stringify(JSON.parse(m).result, null, 1).slice(0, 4000)); process.exit(0); });
