// k8s-audit invoke --event TRIGGER.json [--out DEST]: the function's own handler, run locally on a trigger payload.
import { readFile } from 'node:fs/promises';
import { readForwarderConfig } from '../../config';
import { makeHandler } from '../../function-handler';
import type { Command } from '../command';
import { EXIT, InputError, UsageError, type Io } from '../common';
import { openSink, parseDestination } from '../destination';

const LOCAL_BUCKET = 'k8s-audit-local';

export const invoke: Command = {
  name: 'invoke',
  summary: 'run the Cloud Function handler locally on a trigger payload (default output: ./out/)',
  usage: `Usage: k8s-audit invoke --event TRIGGER.json [--out DEST] [--iam-token TOKEN]

Runs the function's real handler (index.handler) on a Cloud Logging trigger payload, with the function's
environment variables (AUDIT_POLICY_FILE, AUDIT_POLICY, KEY_TEMPLATE, CLUSTER_ID, COMPRESSION, STORAGE_CLASS,
MAX_OBJECT_BYTES, MAX_EVENT_BYTES, QUARANTINE_KEY_TEMPLATE), and prints the handler's summary.

DEST (--out):
  DIR (default ./out)    objects written under DIR/BUCKET/KEY, BUCKET being BUCKET_NAME or "${LOCAL_BUCKET}";
                         no cloud account needed
  s3://BUCKET[/PREFIX]   Object Storage, as deployed (S3_ENDPOINT, static keys or --iam-token / YC_TOKEN)

Example:
  k8s-audit invoke --event examples/trigger-event.json
  zcat out/${LOCAL_BUCKET}/AUDIT/*/*.ndjson.gz | head -1

Exit codes: 0 ok; 1 usage or configuration error; 2 unreadable event file; 3 the handler failed to store (the
trigger would retry).`,
  options: {
    event: { type: 'string' },
    out: { type: 'string' },
    'iam-token': { type: 'string' },
  },
  async run({ values, positionals }, io: Io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; the payload is given with --event`);
    const file = values.event as string | undefined;
    if (file === undefined) throw new UsageError('--event TRIGGER.json is required');
    let payload: unknown;
    try {
      payload = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new InputError(`cannot read trigger payload ${file}: ${(err as Error).message}`, { cause: err });
    }
    const dest = parseDestination((values.out as string | undefined) ?? 'out');
    if (dest.kind === 'stdout') throw new UsageError('--out must be a directory or s3://bucket[/prefix]');
    const bucket = io.env.BUCKET_NAME || LOCAL_BUCKET;
    const sink = await openSink(dest, io.env, values['iam-token'] as string | undefined, bucket);
    const handler = makeHandler((env) => ({ config: readForwarderConfig(env), sink }));
    // The handler logs its summary line to stdout, as in the cloud; the CLI adds where the objects went.
    const summary = await handler(payload, { requestId: 'local-invoke', getRemainingTimeInMillis: () => 600_000 });
    for (const o of summary.objects) io.stderr.write(`wrote ${sink.description.replace(/ at .*/, '')}/${o.key} (${o.events} ${o.kind === 'events' ? 'events' : 'quarantined entries'}, ${o.bytes} bytes)\n`);
    return EXIT.OK;
  },
};
