/**
 * A runtime the recovery tests SIGKILL: starts a one-worker endpoint on the given store and
 * data dir, submits one `mark` task, prints its id and waits to be killed.
 * Usage: node --import tsx crash-runtime.ts <db> <dataDir> <endpoint> <marker> <sleepSeconds>
 */
import { SqliteStore } from "../../../src/local/store.js";
import { LocalComputeService } from "../../../src/local/compute/service.js";
import { encodeTaskPayload, pureSourceRegistration } from "../../../src/wire/compute-serialization.js";

const MARK_SOURCE = [
  "import time",
  "",
  "def mark(path, sleep):",
  "    with open(path, 'a+') as f:",
  "        f.seek(0)",
  "        runs = len(f.readlines())",
  "        f.write('ran\\n')",
  "    # Only the first run is slow, so a re-run after recovery finishes quickly.",
  "    if runs == 0:",
  "        time.sleep(sleep)",
  "    return runs + 1",
  "",
].join("\n");

const [db, dataDir, endpoint, marker, sleep] = process.argv.slice(2);
if (db) {
  const store = new SqliteStore(db);
  const service = new LocalComputeService(store, new Map([[endpoint, { workers: 1 }]]), { dataDir });
  await service.start();
  const { function_uuid } = service.registerFunction(pureSourceRegistration("mark", MARK_SOURCE));
  const res = service.submitV3(endpoint, { tasks: { [function_uuid]: [encodeTaskPayload([marker, Number(sleep)])] } });
  process.stdout.write(JSON.stringify({ task_id: res.tasks[function_uuid][0] }) + "\n");
  setInterval(() => undefined, 60_000);
}
