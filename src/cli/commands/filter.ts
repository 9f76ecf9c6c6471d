// k8s-audit filter --policy FILE [INPUT...] [--out DEST]: what the apiserver would have logged with this policy.
import { eventTime } from '../../batch/event-time';
import { serializeEvent } from '../../batch/truncate';
import { parseByteCount, readOutputConfig } from '../../config';
import { stringifyJson } from '../../json';
import type { AuditPolicy } from '../../policy/audit-policy';
import type { Sink } from '../../sink/types';
import type { Command } from '../command';
import { eachEvent, requirePolicy, type InputCounts, type Io } from '../common';
import { openSink, parseDestination } from '../destination';
import { ObjectOutput } from '../object-output';
import { BufferedWriter } from '../output';
import { Progress } from '../progress';
import { exitFor, summaryLine } from '../summary';

export const filter: Command = {
  name: 'filter',
  summary: 'keep what the policy keeps, reduced to the decided level: NDJSON, a directory, or S3',
  usage: `Usage: k8s-audit filter --policy FILE [--out DEST] [--strict] [INPUT...]

Applies the policy to every audit event exactly as kube-apiserver would have when writing its log: events the
policy drops (level None, omitted stage) are left out, the rest are lowered to the decided level (never raised)
and have managedFields removed when the policy says so. A one-line summary goes to stderr.

DEST (--out):
  -  (default)           NDJSON on stdout; an event kept unchanged is written as its original bytes
  DIR                    objects as the function writes them (KEY_TEMPLATE, gzip NDJSON) under DIR
  s3://BUCKET[/PREFIX]   the same objects in Object Storage (S3_ENDPOINT, S3_FORCE_PATH_STYLE, and
                         AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an IAM token: --iam-token or YC_TOKEN)
Object outputs roll to a new object at --max-object-bytes (uncompressed; default MAX_OBJECT_BYTES or 64 MiB),
truncate events over MAX_EVENT_BYTES as the function does, and name objects by content, so re-running the
same backfill rewrites the same keys. --cluster sets {cluster} for events that do not come from a trigger
payload (default: CLUSTER_ID, or "unknown").

INPUT: files, directories (recursive, sorted) or - (stdin, the default). Formats are detected by content:
NDJSON, JSON arrays, EventLists, single events, Cloud Logging trigger payloads; gzipped or not.
Malformed records are reported on stderr as FILE:LINE: reason and counted; the run goes on.

Examples:
  k8s-audit filter --policy policy/audit-policy.yaml /var/log/kubernetes/audit.log > kept.ndjson
  YC_TOKEN=$(yc iam create-token) k8s-audit filter --policy my-policy.yaml --out s3://audit-archive/backfill old-logs/

Exit codes: 0 ok; 1 usage or invalid policy; 2 unreadable input, or malformed records with --strict;
3 output failure.`,
  options: {
    policy: { type: 'string' },
    out: { type: 'string' },
    cluster: { type: 'string' },
    'max-object-bytes': { type: 'string' },
    'iam-token': { type: 'string' },
    strict: { type: 'boolean' },
  },
  async run({ values, positionals }, io: Io) {
    const policy = requirePolicy(values.policy as string | undefined, io);
    const dest = parseDestination(values.out as string | undefined);
    const progress = new Progress(io.stderr);
    const result = dest.kind === 'stdout'
      ? await toStdout(policy, positionals, io, progress)
      : await toObjects(policy, positionals, io, progress, await openSink(dest, io.env, values['iam-token'] as string | undefined), {
        cluster: values.cluster as string | undefined,
        maxObjectBytes: values['max-object-bytes'] as string | undefined,
        where: values.out as string,
      });
    progress.done();
    io.stderr.write(`${summaryLine('filter', result.counts, result.extra)}\n`);
    return exitFor(result.counts, values.strict === true);
  },
};

interface Result { counts: InputCounts; extra: Record<string, number> }

async function toStdout(policy: AuditPolicy, inputs: string[], io: Io, progress: Progress): Promise<Result> {
  const out = new BufferedWriter(io.stdout as never);
  let kept = 0;
  let dropped = 0;
  const counts = await eachEvent(inputs, io, ({ event, raw }) => {
    const reduced = policy.apply(event);
    if (reduced === null) { dropped++; return; }
    kept++;
    return out.line(reduced === event && raw !== null ? raw : stringifyJson(reduced));
  }, (c) => progress.update(c));
  await out.flush();
  return { counts, extra: { kept, dropped } };
}

async function toObjects(
  policy: AuditPolicy, inputs: string[], io: Io, progress: Progress, sink: Sink,
  o: { cluster: string | undefined; maxObjectBytes: string | undefined; where: string },
): Promise<Result> {
  // The function's own settings (KEY_TEMPLATE, COMPRESSION, STORAGE_CLASS, MAX_*_BYTES) from the environment.
  const config = readOutputConfig(io.env);
  const maxObjectBytes = o.maxObjectBytes === undefined ? config.maxObjectBytes : parseByteCount(o.maxObjectBytes, '--max-object-bytes');
  let kept = 0;
  let dropped = 0;
  let truncated = 0;
  let objects = 0;
  const output = new ObjectOutput(sink, maxObjectBytes, {
    kind: 'events', template: config.keyTemplate, fallbackTime: Date.now(), compression: config.compression, storageClass: config.storageClass,
  }, (stored) => {
    objects++;
    io.stderr.write(`wrote ${o.where.replace(/\/+$/, '')}/${stored.key} (${stored.events} events, ${stored.bytes} bytes)\n`);
  });
  const counts = await eachEvent(inputs, io, async ({ event, clusterId }) => {
    const reduced = policy.apply(event);
    if (reduced === null) { dropped++; return; }
    kept++;
    const s = serializeEvent(reduced, config.maxEventBytes);
    if (s.truncated) truncated++;
    await output.add({ cluster: clusterId ?? o.cluster ?? config.clusterId, line: s.line, bytes: s.bytes, time: eventTime(reduced) });
  }, (c) => progress.update(c));
  await output.finish();
  return { counts, extra: { kept, dropped, truncated, objects } };
}
