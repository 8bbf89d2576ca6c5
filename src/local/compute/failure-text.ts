/**
 * The exception texts a task fails with when the endpoint, not the function, ends it
 * (timeout, cancel, lost worker), and the service-side completion timestamp.
 */
import { hostname } from "node:os";

/** Unix seconds as Python prints a float ("1677183605.212898"). */
export function unixSeconds(d: Date): string {
  const s = d.getTime() / 1000;
  return Number.isInteger(s) ? `${s}.0` : String(s);
}

export function timeoutText(taskId: string, seconds: number, pid: number): string {
  return `TaskTimeout: Task ${taskId} exceeded the endpoint's task timeout of ${seconds} s; its worker (pid ${pid}) was killed\n`;
}

export function cancelledText(taskId: string): string {
  return `TaskCancelled: Task ${taskId} was cancelled before it finished\n`;
}

/** In the style of the endpoint's WorkerLost failure (fixtures/compute/globus_compute_failed_task_worker_lost.json). */
export function workerLostText(pid: number, reason: string): string {
  return `WorkerLost: Task failure due to loss of worker ${pid} on host ${hostname()} (${reason})\n`;
}
