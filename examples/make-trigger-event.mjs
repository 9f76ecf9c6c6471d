// Builds examples/trigger-event.json: a Cloud Logging trigger payload as a Managed Kubernetes cluster's master
// logs would produce it, from the shared samples: audit events in json_payload (stream "audit"), apiserver and
// autoscaler text lines, a core v1 Event from the "events" stream, and one damaged audit entry.
// Run: node examples/make-trigger-event.mjs  (reads test/fixtures/data/samples, a copy of ../shared/data)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const samples = join(here, '../test/fixtures/data/samples');
const read = (f) => readFileSync(join(samples, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const CLUSTER = 'cat1examplecluster01';

/** Go's time.String() form, as the trigger writes entry timestamps. */
function goTime(iso) {
  const [date, rest] = iso.replace('Z', '').split('T');
  const [hms, frac = ''] = rest.split('.');
  return `${date} ${hms}.${(frac + '000000000').slice(0, 9)} +0000 UTC`;
}

const audit = (e) => {
  const event = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', ...e };
  delete event.metadata; delete event.timestamp; // v1beta1-era fields a current apiserver does not write
  return { resource: { type: 'k8s.cluster', id: CLUSTER }, timestamp: goTime(e.stageTimestamp), level: 'INFO', message: '', json_payload: event, stream_name: 'audit' };
};
const text = (stream, message, ts) => ({ resource: { type: 'k8s.cluster', id: CLUSTER }, timestamp: ts, level: 'INFO', message, stream_name: stream });

const small = read('clo-openshift-audit-in.ndjson').filter((e) => JSON.stringify(e).length < 6000).slice(0, 12);
const entries = [
  ...small.map(audit),
  ...read('clo-misc-events.ndjson').map(audit),
  ...read('falco-k8s-audit-traces.ndjson').slice(0, 16).map(audit),
  ...read('derived/synthetic-stages-managedfields.ndjson').map(audit),
  text('kube-apiserver', 'I0702 17:01:26.370651       1 controller.go:624] quota admission added evaluator for: leases.coordination.k8s.io', '2024-07-02 17:01:26.370651000 +0000 UTC'),
  text('cluster-autoscaler', 'I0702 17:01:27.000000       1 static_autoscaler.go:290] Starting main loop', '2024-07-02 17:01:27.000000000 +0000 UTC'),
  { resource: { type: 'k8s.cluster', id: CLUSTER }, timestamp: '2024-07-02 17:01:28.000000000 +0000 UTC', level: 'INFO', message: '', stream_name: 'events',
    json_payload: { kind: 'Event', apiVersion: 'v1', reason: 'Scheduled', message: 'Successfully assigned default/web-0 to node-1', involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' } } },
  // Damaged on the way: an audit event whose stage is missing.
  { resource: { type: 'k8s.cluster', id: CLUSTER }, timestamp: '2024-07-02 17:01:29.000000000 +0000 UTC', level: 'INFO', message: '', stream_name: 'audit',
    json_payload: { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'damaged-0000', requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username: 'alice' } } },
];

const payload = {
  messages: [{
    event_metadata: {
      event_id: 'a1b2c3d4-5e6f-4a0b-8c9d-0e1f2a3b4c5d',
      event_type: 'yandex.cloud.events.serverless.triggers.LoggingMessageBatch',
      created_at: { seconds: 1719939690, nanos: 6794776 },
    },
    details: { messages: entries },
  }],
};
writeFileSync(join(here, 'trigger-event.json'), `${JSON.stringify(payload, null, 2)}\n`);
console.log(`examples/trigger-event.json: ${entries.length} entries`);
