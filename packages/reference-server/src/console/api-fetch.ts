/**
 * How the console reaches the server's own API: the app's `fetch`, so decisions that are logged and replays go
 * through the very routes a client calls.
 */

/** Calls the server's own API (the app's `fetch`). */
export type ApiFetch = (request: Request) => Response | Promise<Response>;
