/**
 * The server's log: one JSON-able object a line, given to the function `createApp` receives (`main.ts` writes
 * each as a line on stdout). A leaf module, so that every part of the server can take a logger.
 */

/** Something that logs a JSON line. */
export type Logger = (entry: Record<string, unknown>) => void;
