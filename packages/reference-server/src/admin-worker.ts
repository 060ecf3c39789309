/**
 * The admin worker thread's entry (built by tsup to `dist/admin-worker.js` and `.cjs`; started by
 * {@link AdminRunner}). It runs one task at a time — `upload` ({@link checkUpload}) or `impact`
 * ({@link replayImpact}) — and answers `{ id, ok: true, result }`, or `{ id, ok: false, error }` with the status,
 * code, bilingual message and problems of an {@link HttpError} (anything else becomes a `500`). The main thread
 * terminates it when a task overruns its time budget and starts a new one for the next task.
 */
import { parentPort } from 'node:worker_threads';
import { checkUpload, replayImpact, type ImpactInput, type UploadInput } from './admin-tasks.js';
import { HttpError, toErrorResponse } from './errors.js';

/** A task sent to the admin thread. */
export type AdminTask = { id: number; op: 'upload'; input: UploadInput } | { id: number; op: 'impact'; input: ImpactInput };

/** The admin thread's answer. */
export type AdminReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { status: number; code: string; message: { zh: string; en: string }; problems?: unknown[]; headers: Record<string, string> } };

async function run(task: AdminTask): Promise<AdminReply> {
  try {
    const result = task.op === 'upload' ? await checkUpload(task.input) : await replayImpact(task.input);
    return { id: task.id, ok: true, result };
  } catch (error) {
    const { status, body, headers } = toErrorResponse(error, '');
    const message = status >= 500 && !(error instanceof HttpError) ? { zh: body.error.message.zh, en: `${body.error.message.en}: ${error instanceof Error ? error.message : String(error)}` } : body.error.message;
    return { id: task.id, ok: false, error: { status, code: body.error.code, message, ...(body.error.problems ? { problems: body.error.problems } : {}), headers } };
  }
}

parentPort?.on('message', (task: AdminTask) => {
  void run(task).then((reply) => parentPort?.postMessage(reply));
});
