// npm run bench: builds a ~50 MB NDJSON corpus from the shared samples (test/fixtures/data; fresh auditIDs), then measures in
// one run: the engine's evaluate and apply rates on parsed events, and `k8s-audit filter` throughput next to a
// floor (bench/floor.mjs: split, JSON.parse, JSON.stringify, write) as a ratio. Medians of repeated runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, process.env.SHARED_DATA ?? 'test/fixtures/data');
const corpusDir = join(root, 'bench/.corpus');
const corpus = join(corpusDir, 'corpus.ndjson');
const TARGET = Number(process.env.BENCH_MB ?? 50) * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const policyFile = join(shared, 'policies/gce-audit-policy.yaml');
const lib = createRequire(import.meta.url)(join(root, 'dist/lib/index.js'));

function sampleEvents() {
  const files = [];
  const walk = (d) => readdirSync(d).sort().forEach((f) => {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ndjson')) files.push(p);
  });
  walk(join(shared, 'samples'));
  const events = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const v = JSON.parse(line);
      if (lib.checkAuditEvent(v).ok) events.push(v);
    }
  }
  return events;
}

function buildCorpus(events) {
  mkdirSync(corpusDir, { recursive: true });
  const lines = [];
  let size = 0;
  for (let n = 0; size < TARGET; n++) {
    const e = events[n % events.length];
    const id = `bench-${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const line = JSON.stringify({ ...e, auditID: id });
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  writeFileSync(corpus, lines.join('\n') + '\n');
  return lines.length;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function rate(fn, items) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    let n = 0;
    while (process.hrtime.bigint() - t0 < 300_000_000n) { for (const e of items) fn(e); n += items.length; }
    runs.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return median(runs);
}

function timeCommand(args) {
  const out = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', out, 'pipe'] });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return s;
  } finally {
    closeSync(out);
  }
}

const events = sampleEvents();
const count = buildCorpus(events);
const bytes = statSync(corpus).size;
const MB = bytes / 1024 / 1024;

const policy = lib.loadPolicyFile(policyFile);
const parsed = readFileSync(corpus, 'utf8').split('\n', 20000).filter((l) => l !== '').map((l) => JSON.parse(l));
const evaluateRate = rate((e) => policy.evaluate(e), parsed);
const applyRate = rate((e) => policy.apply(e), parsed);

const floor = [];
const filter = [];
for (let r = 0; r < RUNS; r++) {
  floor.push(timeCommand([join(root, 'bench/floor.mjs'), corpus]));
  filter.push(timeCommand([join(root, 'dist/cli.js'), 'filter', '--policy', policyFile, corpus]));
}
const floorMBs = MB / median(floor);
const filterMBs = MB / median(filter);

const node = process.version;
const report = [
  `corpus: ${count} events, ${MB.toFixed(1)} MiB (${(bytes / count / 1024).toFixed(1)} KiB/event) from ${events.length} sample events; node ${node}; median of ${RUNS}`,
  `engine evaluate: ${Math.round(evaluateRate).toLocaleString('en-US')} events/s (parsed events, gce-audit-policy.yaml)`,
  `engine apply:    ${Math.round(applyRate).toLocaleString('en-US')} events/s`,
  `floor (split + JSON.parse + JSON.stringify): ${floorMBs.toFixed(1)} MiB/s`,
  `k8s-audit filter --policy gce-audit-policy.yaml: ${filterMBs.toFixed(1)} MiB/s`,
  `ratio filter/floor: ${(filterMBs / floorMBs).toFixed(2)}x (target >= 1.00x)`,
];
console.log(report.join('\n'));
