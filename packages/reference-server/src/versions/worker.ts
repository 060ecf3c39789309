/**
 * The admin worker thread's entry (built by tsup to `dist/admin-worker.js` and `.cjs`; started by
 * {@link AdminRunner}). It runs one task at a time — `upload` ({@link checkUpload}), `impact`
 * ({@link replayImpact}) `screen` ({@link screenDecision}) or `screen-batch` ({@link screenBatchBody}) — and answers `{ id, ok: true, result }`, or `{ id, ok: false, error }` with the status,
 * code, bilingual message and problems of an {@link HttpError} (anything else becomes a `500`). The main thread
 * terminates it when a task overruns its time budget and starts a new one for the next task.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HttpError, toErrorResponse } from '../errors.js';
import { checkUpload, keepDocuments, replayImpact, screenBatchBody, screenDecision, useCalendar, type ImpactInput, type ScreenBatchInput, type ScreenInput, type UploadInput } from './tasks.js';

useCalendar((workerData as { calendar?: Parameters<typeof useCalendar>[0] } | null)?.calendar);

/** A task sent to the admin thread. */
export type AdminTask =
  | { id: number; op: 'upload'; input: UploadInput }
  | { id: number; op: 'impact'; input: ImpactInput }
  | { id: number; op: 'screen'; input: ScreenInput }
  | { id: number; op: 'screen-batch'; input: ScreenBatchInput };

/** The admin thread's answer. */
export type AdminReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { status: number; code: string; message: { zh: string; en: string }; problems?: unknown[]; truncated?: number; headers: Record<string, string> } };

async function run(task: AdminTask): Promise<AdminReply> {
  try {
    // Documents first: the main thread will not send them again to this thread, even if the task fails.
    if (task.op === 'upload') Object.values(task.input.active).forEach(keepDocuments);
    else keepDocuments(task.input.pack);
    const result =
      task.op === 'upload' ? await checkUpload(task.input)
      : task.op === 'impact' ? await replayImpact(task.input)
      : task.op === 'screen-batch' ? screenBatchBody(task.input)
      : screenDecision(task.input);
    return { id: task.id, ok: true, result };
  } catch (error) {
    const { status, body, headers } = toErrorResponse(error, '');
    const message = status >= 500 && !(error instanceof HttpError) ? { zh: body.error.message.zh, en: `${body.error.message.en}: ${error instanceof Error ? error.message : String(error)}` } : body.error.message;
    return { id: task.id, ok: false, error: { status, code: body.error.code, message, ...(body.error.problems ? { problems: body.error.problems } : {}), ...(body.error.truncated ? { truncated: body.error.truncated } : {}), headers } };
  }
}

parentPort?.on('message', (task: AdminTask) => {
  void run(task).then((reply) => parentPort?.postMessage(reply));
});
