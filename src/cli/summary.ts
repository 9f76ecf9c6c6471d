import { EXIT, type InputCounts } from './common';

/** The one-line summary on stderr: `k8s-audit filter: read 160, kept 120, dropped 39, malformed 1`. */
export function summaryLine(command: string, counts: InputCounts, extra: Record<string, number> = {}): string {
  const parts = [`read ${counts.read}`, ...Object.entries(extra).map(([k, v]) => `${k} ${v}`), `malformed ${counts.malformed}`];
  if (counts.skipped > 0) parts.push(`skipped ${counts.skipped} (not audit)`);
  return `k8s-audit ${command}: ${parts.join(', ')}`;
}

/** Malformed records are reported and counted; only --strict turns them into a failure (exit 2). */
export function exitFor(counts: InputCounts, strict: boolean): number {
  return strict && counts.malformed > 0 ? EXIT.INPUT : EXIT.OK;
}
