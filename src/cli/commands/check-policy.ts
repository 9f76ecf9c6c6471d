// k8s-audit check-policy FILE: load and validate as kube-apiserver would; report ignored fields.
import { shadowedRules } from '../../policy/shadow';
import { EXIT, requirePolicy, UsageError, type Io } from '../common';
import type { Command } from '../command';

export const checkPolicy: Command = {
  name: 'check-policy',
  summary: 'validate an audit policy exactly as kube-apiserver loads it',
  usage: `Usage: k8s-audit check-policy FILE

Loads FILE as kube-apiserver's --audit-policy-file would: prints "ok: N rules" and exits 0, or prints the
apiserver's own error text and exits 1. Warnings (exit status stays 0): fields the apiserver would ignore, and
rules that can never match because an earlier rule matches every request they would (first match wins).

Example:
  k8s-audit check-policy policy/audit-policy.yaml`,
  options: {},
  async run({ positionals }, io: Io) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one policy FILE');
    const policy = requirePolicy(positionals[0], io);
    for (const { rule, by } of shadowedRules(policy.policy)) {
      io.stderr.write(`warning: ${positionals[0]}: rule ${rule} can never match: rule ${by} comes first and matches every request rule ${rule} would\n`);
    }
    io.stdout.write(`ok: ${policy.policy.rules.length} rules\n`);
    return EXIT.OK;
  },
};
