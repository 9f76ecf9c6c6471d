// The real samples through `k8s-audit filter`, compared with golden outputs that were checked by hand once
// (see test/golden/README.md). Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and re-check.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICIES, ROOT, runCli, SAMPLES } from '../support/cli';

const GOLDEN = join(ROOT, 'test/golden');
const policies = {
  gce: join(POLICIES, 'gce-audit-policy.yaml'),
  docs: join(POLICIES, 'docs-audit-policy.yaml'),
  'omit-managed-fields': join(ROOT, 'test/fixtures/policies/omit-managed-fields.yaml'),
};
const samples = [
  'clo-openshift-audit-in.ndjson',
  'clo-misc-events.ndjson',
  'falco-k8s-audit-traces.ndjson',
  'negative-falco-malformed-kind0.ndjson',
  'derived/synthetic-stages-managedfields.ndjson',
  'derived/eventlist-webhook-batch.json',
];

// The OpenShift sample has no managedFields: under that policy its output is the input itself, which
// cli.test.ts asserts byte for byte instead of keeping an 800 KB copy here.
const rows = Object.entries(policies).flatMap(([policy, file]) => samples
  .filter((sample) => !(policy === 'omit-managed-fields' && sample === 'clo-openshift-audit-in.ndjson'))
  .map((sample) => ({ policy, file, sample })));

describe('Golden: k8s-audit filter on the shared samples', () => {
  it.each(rows)('$policy policy on $sample', ({ policy, file, sample }) => {
    const r = runCli(['filter', '--policy', file, join(SAMPLES, sample)]);
    expect(r.status).toBe(0);
    const golden = join(GOLDEN, policy, `${basename(sample)}.out`);
    const actual = `${r.stdout}--- stderr\n${r.stderr.replaceAll(SAMPLES, '$SAMPLES')}`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      mkdirSync(join(GOLDEN, policy), { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
