// The floor for `k8s-audit filter`: the least a JSON-lines tool can do. Split lines, JSON.parse each, write it
// back (JSON.stringify). Read and write as the CLI does (1 MiB chunks, one write per chunk) so that the ratio
// measures the policy's cost, not I/O style.
import { createReadStream } from 'node:fs';

const input = createReadStream(process.argv[2], { highWaterMark: 1 << 20 });
let carry = Buffer.alloc(0);
const write = (s) => (s.length > 0 && !process.stdout.write(s) ? new Promise((r) => process.stdout.once('drain', r)) : null);
for await (const chunk of input) {
  const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
  let out = '';
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    if (nl > start) out += JSON.stringify(JSON.parse(buf.toString('utf8', start, nl))) + '\n';
    start = nl + 1;
  }
  carry = buf.subarray(start);
  await write(out);
}
if (carry.length > 0) await write(JSON.stringify(JSON.parse(carry.toString('utf8'))) + '\n');
