// The GCE/GKE default audit policy against the expectations of its own upstream test:
// kubernetes/kubernetes cluster/gce/gci/audit_policy_test.go, TestCreateMasterAuditPolicy (Apache-2.0, The
// Kubernetes Authors). The 618 cases were transcribed into ../../fixtures/upstream/gce-audit-policy-cases.json by
// ../../fixtures/upstream/generate-gce-audit-policy-cases.mjs; ../../fixtures/upstream/README.md says from which
// commit and how the policy file compares with the one the Go test generates.
//
// Upstream's expectLevel checks the level, and omitStages == [RequestReceived] whenever the level is not None.
// The last block applies the same decisions to logged events (spec §7), which upstream cannot test.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { loadPolicyFile, type AuditPolicy } from '../../../src/index';
import type { Level, Stage } from '../../../src/event/types';
import fixture from '../../fixtures/upstream/gce-audit-policy-cases.json';
import { eventFor, type RequestDescription } from './events';

interface GceCase {
  readonly name: string;
  readonly upstreamName: string;
  readonly line: number;
  readonly request: RequestDescription;
  readonly level: Level;
  /** null: upstream does not check stages for this case (level None). */
  readonly omitStages: Stage[] | null;
}

const cases = fixture.cases as unknown as GceCase[];

/** The shared copy of create-master-audit-policy's output (see test/fixtures/data/SOURCES.md). */
const policyPath = fileURLToPath(new URL('../../fixtures/data/policies/gce-audit-policy.yaml', import.meta.url));

let gce: AuditPolicy;

beforeAll(() => {
  gce = loadPolicyFile(policyPath);
});

describe('GCE audit policy (cluster/gce/gci/audit_policy_test.go)', () => {
  it('has all the cases upstream runs', () => {
    expect(existsSync(policyPath)).toBe(true);
    expect(cases).toHaveLength(618);
    expect(fixture.count).toBe(cases.length);
  });

  it('loads without errors or warnings, as upstream requires (require.NoError after LoadPolicyFromFile)', () => {
    expect(gce.policy.rules).toHaveLength(17);
    expect(gce.warnings).toEqual([]);
  });
});

describe('Function: evaluate on the GCE policy (TestCreateMasterAuditPolicy)', () => {
  it.each(cases)('$name', ({ request, level, omitStages }) => {
    // Act
    const decision = gce.evaluate(eventFor(request));

    // Assess
    expect(decision.level).toBe(level);
    if (omitStages !== null) {
      expect([...decision.omitStages].sort()).toEqual([...omitStages].sort()); // assert.ElementsMatch
    }
  });
});

describe('Function: apply on the GCE policy (spec §7, same cases)', () => {
  it.each(cases)('$name', ({ request, level }) => {
    // Prepare: the same request as a RequestResponse-level log would hold it, at two stages.
    const received = eventFor(request, { stage: 'RequestReceived' });
    const complete = eventFor(request, { stage: 'ResponseComplete' });

    // Act
    const keptReceived = gce.apply(received);
    const keptComplete = gce.apply(complete);

    // Assess: every rule of this policy that logs anything omits RequestReceived.
    expect(keptReceived).toBeNull();
    if (level === 'None') {
      expect(keptComplete).toBeNull();
    } else {
      expect(keptComplete).toMatchObject({ level, stage: 'ResponseComplete', verb: request.verb, requestURI: complete.requestURI });
    }
  });
});
