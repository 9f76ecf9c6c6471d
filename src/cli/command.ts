import type { ParseArgsConfig } from 'node:util';
import type { Io } from './common';

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  readonly positionals: string[];
}

/** One subcommand: its flags (node:util parseArgs options), its help text with an example, and its body. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: Io): Promise<number>;
}
