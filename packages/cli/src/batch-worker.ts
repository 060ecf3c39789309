/**
 * The worker thread of a parallel batch ({@link runBatch} with `workers` > 1): it loads the pack from its documents
 * (the pack and every pack it requires), checks that the pack hash is the one the main thread holds, then decides
 * the groups of lines it is sent with {@link evaluateLine} and answers each group with the records encoded as
 * UTF-8 (the buffers are transferred, not copied) and the group's counts. The main thread keeps the order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPacks } from '@aftersales/core';
import { evaluateLine, outcomeKey, tooLongLine } from './batch-line.js';
import { RecordBuffer } from './batch-output.js';
import type { BatchGroup, BatchGroupResult, BatchWorkerData, LineOptions } from './batch-types.js';

const data = workerData as BatchWorkerData;
const port = parentPort!;

try {
  const pack = loadPacks(data.documents, data.calendar ? { calendar: data.calendar } : {}).get(data.packId);
  if (!pack) throw new Error(`pack ${data.packId} is not among the documents`);
  if (pack.packHash !== data.packHash) throw new Error(`pack ${data.packId} loaded with hash ${pack.packHash}, expected ${data.packHash}`);
  const options: LineOptions = data.evaluateOptions;
  port.on('message', (group: BatchGroup) => {
    const records = new RecordBuffer();
    const chunks: Buffer[] = [];
    const outcomes = new Map<string, number>();
    const errorLines: number[] = [];
    let decided = 0;
    let errors = 0;
    for (let i = 0; i < group.texts.length; i++) {
      const lineNo = group.firstLine + i;
      const text = group.texts[i]!;
      const result = text === null ? tooLongLine(lineNo, group.sizes[i]!, data.maxLineBytes) : evaluateLine(text, lineNo, pack, options);
      if (result.decided) {
        decided++;
        const key = outcomeKey(result.outcome);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      } else {
        errors++;
        if (errorLines.length < 100) errorLines.push(lineNo);
      }
      const full = records.add(result.record);
      if (full) chunks.push(full);
    }
    if (!records.empty) chunks.push(records.take());
    const reply: BatchGroupResult = { seq: group.seq, chunks, decided, errors, errorLines, outcomes: [...outcomes] };
    // Each chunk has memory of its own (RecordBuffer never uses the shared pool): moved, not copied.
    port.postMessage(reply, [...new Set(chunks.map((c) => c.buffer as ArrayBuffer))]);
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ failed: String((error as Error)?.stack ?? error) });
}
