/**
 * Every TypeScript snippet of README.md and the sample app (bin/) type-check, so neither can drift from the API.
 * The compiling is part of the build (scripts/typecheck-readme.ts, run by `npm run build` next to tsc, so by
 * `npm test` whenever README.md or the sources changed): one TypeScript program of the snippets (with their hidden
 * setup, see ./snippets.ts) importing the package by its public names, mapped with `paths` to the sources those entry
 * points are built from; bin/app.ts as `npx cdk synth` builds it; and the type mistakes of ./mistakes.ts. This file
 * asserts on what the compiler said, after checking that the report is the current README's.
 * The type mistakes that used to reach users as raw TypeErrors at synth are compile errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MISTAKES } from './mistakes';
import { ROOT, readmeLine, readmeSnippets } from './snippets';
import { REPORT, sha256, type ReadmeTypecheckReport, type ReportedDiagnostic } from './typecheck-report';

const snippets = readmeSnippets();
/** What the report must have been written from: this README and these mistakes. */
const current = {
  readme: sha256(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')),
  mistakes: sha256(fs.readFileSync(path.join(__dirname, 'mistakes.ts'), 'utf8')),
};
const format = (d: ReportedDiagnostic) => `TS${d.code}: ${d.message}`;

let report: ReadmeTypecheckReport;
beforeAll(() => {
  const file = path.join(ROOT, REPORT);
  if (!fs.existsSync(file)) throw new Error(`${REPORT} is missing: run \`npm run build\` (npm test does it when the sources changed).`);
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (report.readmeSha256 !== current.readme || report.mistakesSha256 !== current.mistakes) {
    throw new Error(`${REPORT} was written from another README.md or mistakes.ts: run \`npm run build\` (npm test `
      + 'rebuilds when they changed; jest alone does not).');
  }
});

test('the type-check report is the current README\'s and mistakes\' (npm test rebuilds after an edit)', () => {
  expect({ readme: report.readmeSha256, mistakes: report.mistakesSha256 }).toEqual(current);
  expect(report.program.map(format)).toEqual([]);
  expect(report.snippets.map((s) => s.line)).toEqual(snippets.map((s) => s.line));
  expect(report.mistakes.map((m) => m.name)).toEqual(Object.keys(MISTAKES));
});

test('README.md has TypeScript snippets', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(8);
});

test.each(snippets.map((s) => [s.line, s] as const))('the README snippet at line %d compiles', (_line, snippet) => {
  const checked = report.snippets.find((s) => s.line === snippet.line);
  expect(checked).toBeDefined();
  const found = checked!.diagnostics.map((d) => {
    const at = d.line !== undefined ? readmeLine(snippet, d.line) : 'README.md';
    return `${at}: ${format(d)}`;
  });
  expect(found).toEqual([]);
});

test('the sample app (bin/app.ts and bin/sample-stack.ts) type-checks', () => {
  expect(report.sample.map((s) => s.file)).toEqual(['bin/app.ts', 'bin/sample-stack.ts']);
  const found = report.sample.flatMap((s) => s.diagnostics.map((d) => `${s.file}: ${format(d)}`));
  expect(found).toEqual([]);
});

test.each(Object.entries(MISTAKES))('a type mistake is a compile error, not a TypeError at synth: %s', (name, mistake) => {
  const found = report.mistakes.find((m) => m.name === name)!.diagnostics;
  expect(found.map((d) => ({ code: d.code, message: format(d) })))
    .toEqual([{ code: mistake.code, message: expect.stringMatching(mistake.message) }]);
});
