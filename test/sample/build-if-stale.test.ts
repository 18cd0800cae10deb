/**
 * `npm test` and `npx cdk synth` (cdk.json "app") run scripts/build-if-stale.mjs first: it builds (tsc, which
 * type-checks, then the bundles) only when the sources changed since the last successful build, and a type error
 * stops it before anything runs. Exercised on a small project of its own (a bin/app.ts, a tsconfig, no handlers), with
 * the real scripts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'build-if-stale.mjs');

describe('build-if-stale', () => {
  let project: string;
  const app = path.join('bin', 'app.ts');
  const compiled = () => path.join(project, 'dist', 'bin', 'app.js');
  const write = (source: string) => fs.writeFileSync(path.join(project, app), source);
  const buildIfStale = () => {
    const r = spawnSync(process.execPath, [SCRIPT, project], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  };

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'build-if-stale-'));
    fs.mkdirSync(path.join(project, 'bin'));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: [], lib: ['ES2022'], rootDir: '.', outDir: 'dist' },
      include: ['bin/**/*.ts'],
    }));
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('builds when there is no build, then not again while the sources are unchanged', () => {
    write('export const answer: number = 42;\n');
    expect(buildIfStale()).toEqual({ status: 0, output: expect.stringMatching(/no build stamp[\s\S]*: building/) });
    expect(fs.readFileSync(compiled(), 'utf8')).toMatch(/answer = 42/);

    const before = fs.statSync(compiled()).mtimeMs;
    expect(buildIfStale()).toEqual({ status: 0, output: expect.stringMatching(/the build is up to date/) });
    expect(fs.statSync(compiled()).mtimeMs).toBe(before);
  });

  test('an edited source is built again; a type error fails with the compiler\'s message and leaves no stamp', () => {
    write('export const answer: number = \'forty-two\';\n');
    const failed = buildIfStale();
    expect(failed.status).not.toBe(0);
    expect(failed.output).toMatch(/sources changed since the last build: building/);
    expect(failed.output).toMatch(/bin\/app\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
    // No stamp: the next run builds (and fails) again rather than taking the sources as built.
    expect(fs.existsSync(path.join(project, 'dist', '.build-stamp'))).toBe(false);

    write('export const answer: number = 44;\n');
    expect(buildIfStale()).toEqual({ status: 0, output: expect.stringMatching(/no build stamp[\s\S]*: building/) });
    expect(fs.readFileSync(compiled(), 'utf8')).toMatch(/answer = 44/);
  });
});

test('cdk.json runs the app through build-if-stale, so `npx cdk synth` type-checks it and synthesizes the compiled app', () => {
  const cdk = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  expect(cdk.app).toBe('node scripts/build-if-stale.mjs && node dist/bin/app.js');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.scripts.test).toMatch(/^node scripts\/build-if-stale\.mjs && jest/);
});
