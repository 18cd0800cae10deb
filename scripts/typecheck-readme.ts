/**
 * Part of `npm run build` (scripts/compile.ts runs it after the project compiles, over the same parsed files): type-checks
 * every TypeScript snippet of README.md (with its hidden setup), the sample app (bin/app.ts and what it imports) and
 * the type mistakes of test/readme/mistakes.ts in one TypeScript program, and writes what the compiler said to
 * dist/.typecheck/readme.json. test/readme/snippets.test.ts asserts on that report (no error in a snippet or the
 * sample app; each mistake's own error), after checking that it was written from the current README.md and mistakes:
 * README.md is one of the build's inputs, so `npm test` rebuilds (and re-checks) after any README edit.
 *
 * The snippets import the package by its public names, mapped with `paths` to the sources those entry points are
 * built from. Parsing aws-cdk-lib's declarations (about 50 MB) is most of the cost of such a program: the build has
 * parsed them already for the project, and this program takes them from it (the `cache` argument).
 *
 *   npx tsx scripts/typecheck-readme.ts [root]     # on its own: parses everything again
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { cachingHost, type SourceFileCache } from './compile';
import { MISTAKES } from '../test/readme/mistakes';
import { ENTRY_POINTS, readmeSnippets } from '../test/readme/snippets';
import { REPORT, sha256, type ReadmeTypecheckReport, type ReportedDiagnostic } from '../test/readme/typecheck-report';

export function typecheckReadme(root: string, cache: SourceFileCache = new Map()): ReadmeTypecheckReport {
  const readmeText = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const snippets = readmeSnippets(readmeText);
  const virtualDir = path.join(root, 'test', 'readme', '__snippets__');
  const snippetFile = (line: number) => path.join(virtualDir, `readme-${line}.ts`);
  const mistakeFile = (name: string) => path.join(virtualDir, `mistake-${name.replace(/\W+/g, '-')}.ts`);

  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    // A snippet shows a fragment: names it declares for the reader need not be used.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    baseUrl: root,
    paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, [path.relative(root, file)]])),
  };
  const virtual = new Map<string, string>([
    ...snippets.map((s) => [snippetFile(s.line), s.source] as [string, string]),
    ...Object.entries(MISTAKES).map(([name, m]) => [mistakeFile(name), m.source] as [string, string]),
  ]);
  const host = cachingHost(options, cache);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lv, ...rest) => (virtual.has(f)
    ? ts.createSourceFile(f, virtual.get(f)!, lv, true)
    : getSourceFile.call(host, f, lv, ...rest));
  const sampleFiles = ['app.ts', 'sample-stack.ts'].map((f) => path.join(root, 'bin', f));
  const program = ts.createProgram([...virtual.keys(), sampleFiles[0]], options, host);

  const report = (d: ts.Diagnostic): ReportedDiagnostic => ({
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : undefined,
  });
  const of = (file: string): ReportedDiagnostic[] => {
    const sf = program.getSourceFile(file);
    if (!sf) return [{ code: 0, message: `${path.relative(root, file)} is not part of the program` }];
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map(report);
  };
  return {
    readmeSha256: sha256(readmeText),
    mistakesSha256: sha256(fs.readFileSync(path.join(root, 'test', 'readme', 'mistakes.ts'), 'utf8')),
    program: [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(report),
    snippets: snippets.map((s) => ({ line: s.line, diagnostics: of(snippetFile(s.line)) })),
    sample: sampleFiles.map((f) => ({ file: path.relative(root, f).split(path.sep).join('/'), diagnostics: of(f) })),
    mistakes: Object.keys(MISTAKES).map((name) => ({ name, diagnostics: of(mistakeFile(name)) })),
  };
}

/** Writes the report where test/readme/snippets.test.ts reads it. */
export function writeReport(root: string, report: ReadmeTypecheckReport): void {
  const out = path.join(root, REPORT);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  writeReport(root, typecheckReadme(root));
}
