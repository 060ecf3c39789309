#!/usr/bin/env node
/**
 * The `aftersales` executable: hands the arguments to {@link runCli} and exits with its code. The exit code is set
 * rather than forced so that stdout and stderr drain completely (a batch may have megabytes still buffered).
 */
import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aftersales: internal error / 内部错误: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
