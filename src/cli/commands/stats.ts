// k8s-audit stats --policy FILE [INPUT...]: what each rule costs in storage, and who produces the bytes.
import { requestAttributes } from '../../event/attributes';
import { stringifyJson } from '../../json';
import type { PolicyRule } from '../../policy/types';
import type { Command } from '../command';
import { eachEvent, requirePolicy, UsageError, type Io } from '../common';
import { outputFormat } from './explain';
import { Progress } from '../progress';
import { exitFor, summaryLine } from '../summary';

interface Row { decided: number; kept: number; dropped: number; inputBytes: number; outputBytes: number }
interface TopEntry { name: string; events: number; outputBytes: number }

export const stats: Command = {
  name: 'stats',
  summary: 'per-rule cost report: events decided, kept, dropped, bytes in and out; top users, verbs, resources',
  usage: `Usage: k8s-audit stats --policy FILE [--output table|json] [--top N] [--strict] [INPUT...]

Answers "which rule costs me the most storage?". For every rule: events it decided, kept, dropped, input bytes,
output bytes after reduction (uncompressed NDJSON), and its share of the output; then the events no rule
matched (default level None); then the top N (default 10) users, verbs and resources by output bytes.
INPUT as for filter (files, directories, stdin; any supported format, gzipped or not).

Example:
  k8s-audit stats --policy policy/audit-policy.yaml /var/log/kubernetes/audit.log

Exit codes: 0 ok; 1 usage or invalid policy; 2 unreadable input, or malformed records with --strict.`,
  options: {
    policy: { type: 'string' },
    output: { type: 'string', default: 'table' },
    top: { type: 'string', default: '10' },
    strict: { type: 'boolean' },
  },
  async run({ values, positionals }, io: Io) {
    const policy = requirePolicy(values.policy as string | undefined, io);
    const format = outputFormat(values.output);
    const top = Number(values.top);
    if (!Number.isSafeInteger(top) || top < 0) throw new UsageError(`--top: "${String(values.top)}" is not a whole number`);
    const rules = policy.policy.rules;
    const rows: Row[] = rules.map(emptyRow);
    const unmatched = emptyRow();
    const users = new Map<string, TopEntry>();
    const verbs = new Map<string, TopEntry>();
    const resources = new Map<string, TopEntry>();
    const progress = new Progress(io.stderr);
    const counts = await eachEvent(positionals, io, ({ event, raw, bytes }) => {
      const decision = policy.evaluate(event);
      const row = decision.rule === null ? unmatched : rows[decision.rule]!;
      row.decided++;
      row.inputBytes += bytes;
      const reduced = policy.apply(event);
      if (reduced === null) { row.dropped++; return; }
      row.kept++;
      const out = (reduced === event && raw !== null ? raw.length : Buffer.byteLength(stringifyJson(reduced), 'utf8')) + 1;
      row.outputBytes += out;
      const a = requestAttributes(event);
      count(users, a.user === null ? '(no user)' : a.user.name, out);
      count(verbs, a.verb === '' ? '(none)' : a.verb, out);
      count(resources, a.resourceRequest ? resourceName(a.apiGroup, a.resource, a.subresource) : `URL ${a.path}`, out);
    }, (c) => progress.update(c));
    progress.done();
    const totalOut = rows.reduce((n, r) => n + r.outputBytes, unmatched.outputBytes);
    const report = {
      rules: rows.map((r, i) => ({ rule: i, level: rules[i]!.level, description: describeRule(rules[i]!), ...r, share: share(r.outputBytes, totalOut) })),
      unmatched: { level: 'None', ...unmatched, share: share(unmatched.outputBytes, totalOut) },
      total: sumRows([...rows, unmatched]),
      top: { users: topOf(users, top), verbs: topOf(verbs, top), resources: topOf(resources, top) },
    };
    io.stdout.write(format === 'json' ? `${JSON.stringify(report)}\n` : renderTable(report));
    if (counts.malformed > 0 || counts.skipped > 0) io.stderr.write(`${summaryLine('stats', counts)}\n`);
    return exitFor(counts, values.strict === true);
  },
};

function emptyRow(): Row {
  return { decided: 0, kept: 0, dropped: 0, inputBytes: 0, outputBytes: 0 };
}

function sumRows(rows: readonly Row[]): Row {
  return rows.reduce((t, r) => ({
    decided: t.decided + r.decided, kept: t.kept + r.kept, dropped: t.dropped + r.dropped,
    inputBytes: t.inputBytes + r.inputBytes, outputBytes: t.outputBytes + r.outputBytes,
  }), emptyRow());
}

function count(map: Map<string, TopEntry>, name: string, bytes: number): void {
  const e = map.get(name);
  if (e === undefined) map.set(name, { name, events: 1, outputBytes: bytes });
  else { e.events++; e.outputBytes += bytes; }
}

function topOf(map: Map<string, TopEntry>, n: number): TopEntry[] {
  return [...map.values()].sort((a, b) => b.outputBytes - a.outputBytes || (a.name < b.name ? -1 : 1)).slice(0, n);
}

function share(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part / total) * 1000) / 10;
}

function resourceName(group: string, resource: string, sub: string): string {
  const r = sub === '' ? resource : `${resource}/${sub}`;
  return group === '' ? r : `${group}/${r}`;
}

/** A rule's criteria in one short line: `users=[system:kube-proxy] verbs=[watch] resources=[""/endpoints,...]`. */
export function describeRule(rule: PolicyRule): string {
  const parts: string[] = [];
  const list = (name: string, items: readonly string[]): void => { if (items.length > 0) parts.push(`${name}=[${items.join(',')}]`); };
  list('users', rule.users);
  list('userGroups', rule.userGroups);
  list('verbs', rule.verbs);
  list('namespaces', rule.namespaces.map((n) => (n === '' ? '""' : n)));
  list('resources', rule.resources.map((g) => `${g.group === '' ? '""' : g.group}:${g.resources.length > 0 ? g.resources.join('|') : '*'}`));
  list('nonResourceURLs', rule.nonResourceURLs);
  return parts.length === 0 ? '(every request)' : parts.join(' ');
}

function renderTable(report: {
  rules: Array<{ rule: number; level: string; description: string; share: number } & Row>;
  unmatched: { level: string; share: number } & Row;
  total: Row;
  top: { users: TopEntry[]; verbs: TopEntry[]; resources: TopEntry[] };
}): string {
  const header = ['RULE', 'LEVEL', 'DECIDED', 'KEPT', 'DROPPED', 'INPUT', 'OUTPUT', 'SHARE', 'CRITERIA'];
  const line = (id: string, level: string, r: Row, s: number, what: string): string[] =>
    [id, level, String(r.decided), String(r.kept), String(r.dropped), size(r.inputBytes), size(r.outputBytes), `${s.toFixed(1)}%`, what];
  const rows = [
    header,
    ...report.rules.map((r) => line(String(r.rule), r.level, r, r.share, truncate(r.description, 70))),
    line('-', 'None', report.unmatched, report.unmatched.share, '(no rule matched)'),
    line('total', '', report.total, report.total.outputBytes > 0 ? 100 : 0, ''),
  ];
  const tops = (title: string, entries: TopEntry[]): string =>
    `\nTop ${title} by output bytes:\n${align([['', 'EVENTS', 'OUTPUT'], ...entries.map((e) => [e.name, String(e.events), size(e.outputBytes)])])}`;
  return align(rows) + tops('users', report.top.users) + tops('verbs', report.top.verbs) + tops('resources', report.top.resources);
}

function align(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 3)}...`;
}
