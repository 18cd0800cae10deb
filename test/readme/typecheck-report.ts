/**
 * The report scripts/typecheck-readme.ts writes during the build and test/readme/snippets.test.ts reads (no
 * TypeScript compiler needed to read it).
 */
import { createHash } from 'crypto';
import * as path from 'path';

/** Where the report goes, relative to the project root. */
export const REPORT = path.join('dist', '.typecheck', 'readme.json');

/** One compiler diagnostic of a checked file. */
export interface ReportedDiagnostic {
  readonly code: number;
  readonly message: string;
  /** 0-based line in the compiled source (snippet: setup + code). */
  readonly line?: number;
}

export interface ReadmeTypecheckReport {
  /** sha256 of README.md and of test/readme/mistakes.ts as checked: a stale report is refused by the test. */
  readonly readmeSha256: string;
  readonly mistakesSha256: string;
  /** Options and global diagnostics of the program (a broken setup, not a snippet's fault). */
  readonly program: ReportedDiagnostic[];
  /** Per snippet (by its README line). */
  readonly snippets: { readonly line: number; readonly diagnostics: ReportedDiagnostic[] }[];
  /** Per sample-app file (relative path). */
  readonly sample: { readonly file: string; readonly diagnostics: ReportedDiagnostic[] }[];
  /** Per mistake (by name). */
  readonly mistakes: { readonly name: string; readonly diagnostics: ReportedDiagnostic[] }[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

