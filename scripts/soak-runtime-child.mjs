// A local runtime in its own process (built code), so the SIGKILL soak can kill it. Config JSON path in argv[2].
import { readFileSync } from "node:fs";
const { startLocalRuntime } = await import(new URL("../dist/src/local/runtime.js", import.meta.url).href);
const rt = await startLocalRuntime(JSON.parse(readFileSync(process.argv[2], "utf8")));
process.stdout.write(`READY ${rt.url} ${rt.recovered.runs}\n`);
process.on("SIGTERM", () => void rt.stop().then(() => process.exit(0)));
