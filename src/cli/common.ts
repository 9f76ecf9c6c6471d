// What every command shares: exit codes, usage errors, policy loading, and the walk over input records.
import { AuditForwarderError } from '../errors';
import type { AuditPolicy } from '../policy/audit-policy';
import { loadPolicyFile } from '../policy/load';
import { expandInputs, formatLocation, inputChunks, readRecords, type InputRecord } from './input/read-records';

/** Exit codes, documented in the README and in every --help. */
export const EXIT = { OK: 0, USAGE: 1, INPUT: 2, OUTPUT: 3 } as const;

export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** A mistake in how the command was called: printed with the command's usage line, exit 1. */
export class UsageError extends AuditForwarderError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** An error of the output side, raised while records were being read: it keeps its own exit code (3). */
class FromCallback {
  constructor(readonly error: unknown) {}
}

/** An input that cannot be read at all (missing file, directory error): exit 2. */
export class InputError extends AuditForwarderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INPUT', message, options);
  }
}

export function requirePolicy(path: string | undefined, io: Io): AuditPolicy {
  if (path === undefined) throw new UsageError('--policy FILE is required');
  const policy = loadPolicyFile(path);
  for (const w of policy.warnings) io.stderr.write(`warning: ${path}: ${w} (ignored, as kube-apiserver ignores it)\n`);
  return policy;
}

export interface InputCounts {
  read: number;
  malformed: number;
  skipped: number;
  /** Input bytes read (after decompression). */
  bytes: number;
}

/**
 * Every record of every input, in order. Malformed records are reported on stderr as `FILE:LINE: reason` and
 * counted; the callback sees events (and may see skipped trigger entries, which are only counted).
 */
export async function eachEvent(
  inputs: readonly string[],
  io: Io,
  onEvent: (record: Extract<InputRecord, { kind: 'event' }>) => void | Promise<void>,
  onChunk?: (counts: InputCounts) => void,
): Promise<InputCounts> {
  const counts: InputCounts = { read: 0, malformed: 0, skipped: 0, bytes: 0 };
  let files: string[];
  try {
    files = expandInputs(inputs);
  } catch (err) {
    throw new InputError(`cannot read input: ${(err as Error).message}`, { cause: err });
  }
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    const chunks = countBytes(inputChunks(file, io.stdin), counts);
    try {
      for await (const batch of readRecords(name, chunks)) {
        for (const record of batch) {
          counts.read++;
          if (record.kind === 'malformed') {
            counts.malformed++;
            io.stderr.write(`${formatLocation(record.at)}: ${record.reason}\n`);
          } else if (record.kind === 'skipped') {
            counts.skipped++;
          } else {
            try {
              const pending = onEvent(record);
              if (pending !== undefined) await pending;
            } catch (err) {
              throw new FromCallback(err);
            }
          }
        }
        onChunk?.(counts);
      }
    } catch (err) {
      if (err instanceof FromCallback) throw err.error;
      if (err instanceof AuditForwarderError) throw err;
      throw new InputError(`cannot read ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  return counts;
}

async function* countBytes(chunks: AsyncIterable<Buffer>, counts: InputCounts): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    counts.bytes += c.length;
    yield c;
  }
}
