/**
 * Colours for the terminal, and only for it: on when the stream is a TTY, off when `NO_COLOR` is set to anything
 * but the empty string (https://no-color.org) or the command line says `--no-color`. A {@link Palette} with
 * colour off returns its text unchanged, so a command writes the same lines either way and a file or a CI log never
 * holds escape codes.
 */

/** Wraps text in an SGR colour, or returns it unchanged when colour is off. */
export interface Palette {
  /** Whether the palette writes escape codes. */
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const same = (text: string) => text;

/**
 * A palette that colours, or one that leaves text as it is.
 *
 * @param enabled - whether to write escape codes
 * @returns the palette
 * @example
 * ```ts
 * palette(true).red('FAIL'); // '\u001b[31mFAIL\u001b[39m'
 * palette(false).red('FAIL'); // 'FAIL'
 * ```
 */
export function palette(enabled: boolean): Palette {
  if (!enabled) return { enabled, red: same, green: same, yellow: same, bold: same, dim: same };
  return { enabled, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** The palette with colour off. */
export const PLAIN: Palette = palette(false);

/**
 * Whether to colour what is written to a stream.
 *
 * @param stream - the stream written to (colour only when `isTTY` is true)
 * @param env - the environment (`NO_COLOR` non-empty turns colour off); default `process.env`
 * @param noColorFlag - `--no-color` was given
 * @returns true to colour
 * @example
 * ```ts
 * const colour = palette(colourWanted(process.stdout, process.env, argv.includes('--no-color')));
 * ```
 */
export function colourWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
