/**
 * The TypeScript half of `npm run build` (scripts/build.mjs runs it with tsx, next to the esbuild bundles): what
 * `tsc -p tsconfig.json` does (type-check lib/, bin/, lambda/, test/ and scripts/, emit dist/, print the compiler's
 * errors in its format and fail on any), through the compiler API, and then, when the project has it, the README
 * type-check (scripts/typecheck-readme.ts) in a second program over the same parsed files.
 *
 * Why not the tsc command: parsing the declarations of aws-cdk-lib, the AWS SDK and Node.js (about 1.2 million lines)
 * is the larger part of a type-check, and two tsc processes parse them twice. Here the README's program takes the
 * project program's source files (a source file depends only on its text, language version and module format, which
 * both programs share), so checking the snippets costs their own checking only.
 *
 *   npx tsx scripts/compile.ts [root]     # exit 0, or 1 with the compiler's errors on stderr
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** Parsed source files shared between programs, by file and the parse settings that shape them. */
export type SourceFileCache = Map<string, ts.SourceFile | undefined>;

/** A compiler host that parses each file once per cache (and JSDoc only where it matters for types, as tsc does). */
export function cachingHost(options: ts.CompilerOptions, cache: SourceFileCache): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    const settings = typeof languageVersionOrOptions === 'object'
      ? `${languageVersionOrOptions.languageVersion}|${languageVersionOrOptions.impliedNodeFormat}`
      : `${languageVersionOrOptions}`;
    const key = `${fileName}|${settings}`;
    if (!cache.has(key)) cache.set(key, getSourceFile.call(host, fileName, languageVersionOrOptions, ...rest));
    return cache.get(key);
  };
  return host;
}

/** Compiles the project at `root` as `tsc -p <root>/tsconfig.json` would; returns the exit code. */
export function compileProject(root: string, cache: SourceFileCache, log: (text: string) => void): number {
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  const report = (diagnostics: readonly ts.Diagnostic[]) => {
    if (diagnostics.length === 0) return;
    log(process.stderr.isTTY
      ? ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)
      : ts.formatDiagnostics(diagnostics, formatHost));
  };
  const configFile = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) {
    report([read.error]);
    return 1;
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host: cachingHost(parsed.options, cache),
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  // What tsc reports, in its order: config, syntax, options, global and semantic (and declaration) diagnostics, then
  // the emit's. tsc emits even when there are errors (no noEmitOnError here), and so does this.
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  const emitted = program.emit();
  diagnostics.push(...emitted.diagnostics);
  const sorted = ts.sortAndDeduplicateDiagnostics(diagnostics);
  report(sorted);
  // As tsc: errors fail; an emit skipped without `noEmit` (it only is on errors) fails too.
  const skipped = emitted.emitSkipped && !parsed.options.noEmit;
  return sorted.some((d) => d.category === ts.DiagnosticCategory.Error) || skipped ? 1 : 0;
}

async function main(): Promise<number> {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const cache: SourceFileCache = new Map();
  const code = compileProject(root, cache, (text) => process.stderr.write(text));
  if (code !== 0) return code;
  // The README type-check, when this project has one (the sample projects of the build tests do not).
  if (fs.existsSync(path.join(root, 'scripts', 'typecheck-readme.ts')) && fs.existsSync(path.join(root, 'README.md'))) {
    const { typecheckReadme, writeReport } = await import('./typecheck-readme');
    writeReport(root, typecheckReadme(root, cache));
  }
  return 0;
}

if (require.main === module) {
  main().then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`compile: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
