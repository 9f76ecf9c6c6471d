// k8s-audit filter --policy FILE [INPUT...]: what the apiserver would have logged with this policy, as NDJSON.
import { eachEvent, requirePolicy, type Io } from '../common';
import type { Command } from '../command';
import { BufferedWriter } from '../output';
import { exitFor, summaryLine } from '../summary';

export const filter: Command = {
  name: 'filter',
  summary: 'keep what the policy keeps, reduced to the decided level, as NDJSON',
  usage: `Usage: k8s-audit filter --policy FILE [--strict] [INPUT...]

Applies the policy to every audit event exactly as kube-apiserver would have when writing its log: events the
policy drops (level None, omitted stage) are left out, the rest are lowered to the decided level (never raised)
and have managedFields removed when the policy says so. Kept events go to stdout as NDJSON; an event kept
unchanged is written as its original bytes. A one-line summary goes to stderr.

INPUT: files, directories (recursive, sorted) or - (stdin, the default). Formats are detected by content:
NDJSON, JSON arrays, EventLists, single events, Cloud Logging trigger payloads; gzipped or not.
Malformed records are reported on stderr as FILE:LINE: reason and counted; the run goes on.

Example:
  k8s-audit filter --policy policy/audit-policy.yaml /var/log/kubernetes/audit.log > kept.ndjson

Exit codes: 0 ok; 1 usage or invalid policy; 2 unreadable input, or malformed records with --strict;
3 output failure.`,
  options: {
    policy: { type: 'string' },
    strict: { type: 'boolean' },
  },
  async run({ values, positionals }, io: Io) {
    const policy = requirePolicy(values.policy as string | undefined, io);
    const out = new BufferedWriter(io.stdout as never);
    let kept = 0;
    let dropped = 0;
    const counts = await eachEvent(positionals, io, ({ event, raw }) => {
      const reduced = policy.apply(event);
      if (reduced === null) { dropped++; return; }
      kept++;
      return out.line(reduced === event && raw !== null ? raw : JSON.stringify(reduced));
    });
    await out.flush();
    io.stderr.write(`${summaryLine('filter', counts, { kept, dropped })}\n`);
    return exitFor(counts, values.strict === true);
  },
};
