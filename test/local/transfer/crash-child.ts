/**
 * Child process for the SIGKILL restart test (not a test file): starts a transfer of
 * /big to /big and prints the task id, then keeps copying until the parent kills it.
 */
import { SqliteStore } from "../../../src/local/store.js";
import { LocalTransferService } from "../../../src/local/transfer/service.js";

const [dbFile, srcRoot, dstRoot, src, dst, owner] = process.argv.slice(2);
const service = new LocalTransferService(new SqliteStore(dbFile), new Map([[src, { root: srcRoot }], [dst, { root: dstRoot }]]), { concurrency: 1, progressIntervalMs: 0 });
const res = await service.submitTransfer(
  { DATA_TYPE: "transfer", submission_id: "crash-test", source_endpoint: src, destination_endpoint: dst, DATA: [{ DATA_TYPE: "transfer_item", source_path: "/big", destination_path: "/big" }] },
  owner,
);
process.stdout.write(res.task_id + "\n");
await service.whenIdle();
