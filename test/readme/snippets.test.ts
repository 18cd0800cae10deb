/**
 * Every TypeScript snippet of README.md and the sample app (bin/) type-check, so neither can drift from the API.
 * One in-process TypeScript program: the snippets (with their hidden setup, see ./snippets.ts) import the package
 * by its public names, mapped with `paths` to the sources those entry points are built from; bin/app.ts compiles as
 * `npx cdk synth` builds it. The type mistakes that used to reach users as raw TypeErrors at synth are compile errors.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { ENTRY_POINTS, ROOT, readmeLine, readmeSnippets } from './snippets';

const snippets = readmeSnippets();
const virtualDir = path.join(ROOT, 'test', 'readme', '__snippets__');
const snippetFile = (line: number) => path.join(virtualDir, `readme-${line}.ts`);

/** Mistakes users made, each with the compile error that now stops them (code and a fragment of the message). */
const MISTAKES: Record<string, { source: string; code: number; message: RegExp }> = {
  // `Aspects.of(app).add(new BedrockChecks())` failed at synth with "aspect.visit is not a function".
  'BedrockChecks registered as an aspect': {
    source: `import { App, Aspects } from 'aws-cdk-lib';
import { BedrockChecks } from 'cdk-bedrock-foundation/nag';
const app = new App();
Aspects.of(app).add(new BedrockChecks());
export {};
`,
    code: 2345,
    message: /'BedrockChecks' is not assignable to parameter of type 'IAspect'/,
  },
  // `grantMarketplaceSubscribe(invoker)` with the construct, not its function, failed with "Cannot read properties of
  // undefined".
  'an invoker construct passed where a grantee is expected': {
    source: `import { App, Stack } from 'aws-cdk-lib';
import { BedrockModel, ModelAccessCheck, ModelInvoker } from 'cdk-bedrock-foundation';
const stack = new Stack(new App(), 'Genai', { env: { region: 'us-east-1' } });
const model = BedrockModel.of('amazon.nova-pro-v1:0');
const access = new ModelAccessCheck(stack, 'ModelAccess', { models: [model] });
const invoker = new ModelInvoker(stack, 'Summarize', { model });
access.grantMarketplaceSubscribe(invoker);
export {};
`,
    code: 2345,
    message: /'ModelInvoker' is not assignable to parameter of type 'IGrantable'/,
  },
};
const mistakeFile = (name: string) => path.join(virtualDir, `mistake-${name.replace(/\W+/g, '-')}.ts`);

let program: ts.Program;
const format = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
function diagnostics(file: string): ts.Diagnostic[] {
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`${file} is not part of the program`);
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
}

beforeAll(() => {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    // A snippet shows a fragment: names it declares for the reader need not be used.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, [path.relative(ROOT, file)]])),
  };
  const virtual = new Map<string, string>([
    ...snippets.map((s) => [snippetFile(s.line), s.source] as [string, string]),
    ...Object.entries(MISTAKES).map(([name, m]) => [mistakeFile(name), m.source] as [string, string]),
  ]);
  const host = ts.createCompilerHost(options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lv, ...rest) => (virtual.has(f)
    ? ts.createSourceFile(f, virtual.get(f)!, lv, true)
    : getSourceFile.call(host, f, lv, ...rest));
  program = ts.createProgram([...virtual.keys(), path.join(ROOT, 'bin', 'app.ts')], options, host);
  expect([...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(format)).toEqual([]);
}, 120_000);

test('README.md has TypeScript snippets', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(8);
});

test.each(snippets.map((s) => [s.line, s] as const))('the README snippet at line %d compiles', (_line, snippet) => {
  const found = diagnostics(snippetFile(snippet.line)).map((d) => {
    const at = d.file && d.start !== undefined ? readmeLine(snippet, d.file.getLineAndCharacterOfPosition(d.start).line) : 'README.md';
    return `${at}: ${format(d)}`;
  });
  expect(found).toEqual([]);
});

test('the sample app (bin/app.ts and bin/sample-stack.ts) type-checks', () => {
  const files = ['app.ts', 'sample-stack.ts'].map((f) => path.join(ROOT, 'bin', f));
  const found = files.flatMap((f) => diagnostics(f).map((d) => `${path.relative(ROOT, f)}: ${format(d)}`));
  expect(found).toEqual([]);
});

test.each(Object.entries(MISTAKES))('a type mistake is a compile error, not a TypeError at synth: %s', (name, mistake) => {
  const found = diagnostics(mistakeFile(name));
  expect(found.map((d) => ({ code: d.code, message: format(d) })))
    .toEqual([{ code: mistake.code, message: expect.stringMatching(mistake.message) }]);
});
