// k8s-audit: the command line. Parses the subcommand and its flags, runs it, maps errors to exit codes.
import { parseArgs } from 'node:util';
import { ConfigError, PolicyError } from '../errors';
import { checkPolicy } from './commands/check-policy';
import { explain } from './commands/explain';
import { filter } from './commands/filter';
import { invoke } from './commands/invoke';
import { stats } from './commands/stats';
import type { Command } from './command';
import { EXIT, InputError, UsageError, type Io } from './common';

const COMMANDS: readonly Command[] = [invoke, filter, explain, stats, checkPolicy];

const HELP = `k8s-audit ${__VERSION__}: Kubernetes audit events, filtered by an audit policy exactly as kube-apiserver applies it.

Usage: k8s-audit COMMAND [FLAGS] [INPUT...]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join('\n')}

Run "k8s-audit COMMAND --help" for a command's flags and an example.
Exit codes: 0 ok; 1 usage or invalid policy; 2 input errors (with --strict: malformed records); 3 output failures.`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  // The pinned AWS SDK warns on Node 20 that later SDK releases will need Node 22; it is loaded only for S3
  // output, and its multi-line warning would land in the middle of a user's terminal output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version') {
    io.stdout.write(`${__VERSION__}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`k8s-audit: unknown command "${name}"\n\n${HELP}\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.OK;
  }
  try {
    const args = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    return await command.run(args, io);
  } catch (err) {
    return report(err, command, io);
  }
}

function report(err: unknown, command: Command, io: Io): number {
  const message = err instanceof Error ? err.message : String(err);
  // The reader went away (`k8s-audit filter ... | head`): what it wanted was written; stop quietly, as
  // cat and grep do.
  if ((err as { code?: string }).code === 'EPIPE') return EXIT.OK;
  if (err instanceof PolicyError) {
    io.stderr.write(`${message}\n`);
    return EXIT.USAGE;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`k8s-audit ${command.name}: ${message}\n`);
    return EXIT.USAGE;
  }
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`k8s-audit ${command.name}: ${message}\n${command.usage.split('\n')[0]}\n`);
    return EXIT.USAGE;
  }
  if (err instanceof InputError) {
    io.stderr.write(`k8s-audit ${command.name}: ${message}\n`);
    return EXIT.INPUT;
  }
  io.stderr.write(`k8s-audit ${command.name}: ${message}\n`);
  return EXIT.OUTPUT;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
    .then((code) => { process.exitCode = code; })
    .catch((err: unknown) => { process.stderr.write(`k8s-audit: ${(err as Error).stack ?? String(err)}\n`); process.exitCode = EXIT.OUTPUT; });
}
