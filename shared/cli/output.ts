/** Where the CLI writes: process.stdout / process.stderr, or a test's collector. */
export interface OutputStream {
  write(text: string): unknown;
  /** True when a person watches a terminal: progress then animates in place. */
  isTTY?: boolean;
}

/**
 * `1.2 s`, `45 s`, `3 min 5 s`: an elapsed time for people.
 *
 * @example
 * ```ts
 * formatElapsed(65_000); // "1 min 5 s"
 * ```
 */
export function formatElapsed(milliseconds: number): string {
  const ms = Math.max(0, milliseconds);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * `5 min`, `3 h`, `12 d`: how old something is, for people.
 *
 * @example
 * ```ts
 * formatAge(36 * 3600_000); // "1 d"
 * ```
 */
export function formatAge(milliseconds: number): string {
  const minutes = Math.floor(Math.max(0, milliseconds) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
