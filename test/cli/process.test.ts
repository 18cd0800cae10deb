import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NOW_ISO, synthCleanAssembly, synthSampleAssembly, tmpDir } from './cli-util';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk-bedrock-check.ts');
const COMPILED = path.join(ROOT, 'dist', 'bin', 'cdk-bedrock-check.js');

function newestSource(dir: string): number {
  return Math.max(...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory()
    ? newestSource(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
}

/** The compiled CLI (what `npm test` builds first) when it is up to date, else the TypeScript source through tsx. */
const useCompiled = fs.existsSync(COMPILED)
  && fs.statSync(COMPILED).mtimeMs >= Math.max(fs.statSync(BIN).mtimeMs, newestSource(path.join(ROOT, 'lib', 'nag')));

function cli(args: string[]) {
  const argv = useCompiled ? [COMPILED, ...args] : ['--import', 'tsx', BIN, ...args];
  return spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('cdk-bedrock-check as a process', () => {
  test('starts with a node shebang (source and, when built, the compiled bin)', () => {
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    if (fs.existsSync(COMPILED)) expect(fs.readFileSync(COMPILED, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('exit status 0, 1 and 2', () => {
    const clean = path.join(tmpDir(), 'cdk.out');
    synthCleanAssembly(clean);
    const dirty = path.join(tmpDir(), 'cdk.out');
    synthSampleAssembly(dirty);
    const ok = cli([clean, '--now', NOW_ISO]);
    expect(ok.stdout).toContain('Passed.');
    expect(ok.status).toBe(0);
    const bad = cli([dirty, '--now', NOW_ISO, '--format', 'sarif']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).version).toBe('2.1.0');
    expect(bad.stderr).toContain(`model lifecycle judged at ${NOW_ISO}`);
    const usage = cli(['--format']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Option --format needs a value');
  });
});
