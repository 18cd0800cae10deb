/**
 * Every TypeScript snippet of README.md behaves as written: run with its hidden setup (see ./snippets.ts), importing
 * the package by its public names, and the app it builds synthesizes with no error (no failed validation, no error
 * annotation). The synth date is fixed through the context key the library reads, as a user could set it in cdk.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import * as ts from 'typescript';
import { ENTRY_POINTS, readmeSnippets } from './snippets';

const NOW_ISO = '2026-11-25';
const snippets = readmeSnippets();

function run(source: string, fileName: string): Record<string, unknown> {
  const js = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText
    // The app the snippet built: its `app`, or the root of its `stack`.
    + '\n;exports.__root = typeof app !== "undefined" ? app : typeof stack !== "undefined" ? stack.node.root : undefined;\n';
  const load = (id: string): unknown => (id in ENTRY_POINTS ? require(ENTRY_POINTS[id]) : require(id));
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', js)(module.exports, load, module);
  return module.exports;
}

const saved = { outdir: process.env.CDK_OUTDIR, context: process.env.CDK_CONTEXT_JSON, exitCode: process.exitCode };
let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-snippet-'));
  // `new App()` in a snippet reads both, as under `cdk synth`.
  process.env.CDK_OUTDIR = outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'cdk-bedrock-foundation:now': NOW_ISO });
});
afterEach(() => {
  for (const [key, value] of [['CDK_OUTDIR', saved.outdir], ['CDK_CONTEXT_JSON', saved.context]] as const) {
    if (value === undefined) delete process.env[key]; else process.env[key] = value;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
});

test.each(snippets.map((s) => [s.line, s] as const))('the README snippet at line %d runs and its app synthesizes without errors', (line, snippet) => {
  const root = run(snippet.source, `readme-${line}.ts`).__root as App | undefined;
  if (!root) return; // a snippet without an app (the catalog): running it without throwing is the behaviour
  const assembly = root.synth();
  // A failed validation plugin sets process.exitCode instead of throwing.
  expect(process.exitCode).toBe(saved.exitCode);
  const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error').map((m) => `${m.id}: ${m.entry.data}`));
  expect(errors).toEqual([]);
}, 60_000);
