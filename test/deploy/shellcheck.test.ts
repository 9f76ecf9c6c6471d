// shellcheck must pass on every shell script in deploy/. A missing shellcheck
// fails the test (it does not skip it): a skipped lint is a lint nobody runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function shellScripts(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : shellScripts(full);
    return entry.name.endsWith('.sh') ? [path.relative(ROOT, full)] : [];
  });
}

describe('deploy/**/*.sh', () => {
  const scripts = shellScripts(path.join(ROOT, 'deploy')).sort();

  it('includes deploy.sh and its libraries', () => {
    expect(scripts).toContain('deploy/deploy.sh');
    expect(scripts.some((s) => s.startsWith('deploy/lib/'))).toBe(true);
  });

  it('passes shellcheck', () => {
    const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      throw new Error('shellcheck is not installed: install it (apt-get install shellcheck) to run this test');
    }
    // -x follows the `source` lines, so the libraries are checked in context too.
    const r = spawnSync('shellcheck', ['-x', '--severity=style', ...scripts], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr, 'shellcheck findings').toBe('');
    expect(r.status).toBe(0);
  });
});
