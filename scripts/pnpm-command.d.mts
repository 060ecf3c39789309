/** Types of pnpm-command.mjs. */
export declare function pnpmCommand(...args: string[]): string[];
