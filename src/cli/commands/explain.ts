// k8s-audit explain --policy FILE [INPUT...]: the decision for every event, in input order.
import { requestAttributes } from '../../event/attributes';
import { eachEvent, requirePolicy, UsageError, type Io } from '../common';
import type { Command } from '../command';
import { BufferedWriter } from '../output';
import { summaryLine, exitFor } from '../summary';
import { whyReport } from '../why';

export const explain: Command = {
  name: 'explain',
  summary: 'show the decision (level, rule, stages) the policy makes for each event',
  usage: `Usage: k8s-audit explain --policy FILE [--why] [--output json|table] [--strict] [INPUT...]

For each audit event, in input order, prints one JSON line:
  {"auditID","stage","level","omitStages","omitManagedFields","rule","emit"}
level is the level the policy decides, rule the index of the deciding rule (null: no rule matched, level None),
emit whether the event survives (level not None and stage not omitted).
--why adds, for the deciding rule, what each of its criteria matched, and for every earlier rule the first
criterion that failed. INPUT: files, directories or - (stdin, the default); NDJSON, JSON arrays, EventLists,
single events, Cloud Logging trigger payloads, gzipped or not.

Example:
  k8s-audit explain --policy policy/audit-policy.yaml --why --output table audit.log

Exit codes: 0 ok; 1 usage or invalid policy; 2 unreadable input, or malformed records with --strict.`,
  options: {
    policy: { type: 'string' },
    why: { type: 'boolean' },
    output: { type: 'string', default: 'json' },
    strict: { type: 'boolean' },
  },
  async run({ values, positionals }, io: Io) {
    const policy = requirePolicy(values.policy as string | undefined, io);
    const table = outputFormat(values.output) === 'table';
    const why = values.why === true;
    const out = new BufferedWriter(io.stdout as never);
    if (table) await out.line(['AUDIT-ID', 'STAGE', 'VERB', 'URI', 'LEVEL', 'RULE', 'EMIT'].join('\t'));
    const counts = await eachEvent(positionals, io, async ({ event }) => {
      const explanation = policy.explain(event);
      const d = explanation.decision;
      const emit = policy.apply(event) !== null;
      const report = why ? whyReport(explanation, policy.policy.rules, requestAttributes(event)) : null;
      if (table) {
        await out.line([event.auditID ?? '-', event.stage, event.verb, event.requestURI, d.level, d.rule ?? '-', emit ? 'yes' : 'no'].join('\t'));
        if (report !== null) await out.write(whyLines(report));
        return;
      }
      const line: Record<string, unknown> = {
        auditID: event.auditID ?? null, stage: event.stage, level: d.level, omitStages: d.omitStages,
        omitManagedFields: d.omitManagedFields, rule: d.rule, emit,
      };
      if (report !== null) line.why = report;
      await out.line(JSON.stringify(line));
    });
    await out.flush();
    if (counts.malformed > 0) io.stderr.write(`${summaryLine('explain', counts)}\n`);
    return exitFor(counts, values.strict === true);
  },
};

function whyLines(report: ReturnType<typeof whyReport>): string {
  const lines = report.earlier.map((e) => `    rule ${e.rule}: no: ${e.failed}\n`);
  if (report.decidedBy === null) lines.push('    no rule matched: default level None\n');
  else lines.push(`    rule ${report.decidedBy.rule}: MATCHED: ${report.decidedBy.matched.join('; ')}\n`);
  return lines.join('');
}

export function outputFormat(value: unknown): 'json' | 'table' {
  if (value === 'json' || value === 'table') return value;
  throw new UsageError(`--output must be json or table, got ${String(value)}`);
}
