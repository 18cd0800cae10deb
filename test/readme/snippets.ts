/**
 * The TypeScript snippets of README.md, as a user copies them.
 *
 * Every fenced block opened with ```ts is a snippet. What the reader has already written before it (the stack, a
 * model, a function) can precede it as hidden setup, in an HTML comment GitHub does not render:
 *
 *     <!-- snippet-setup
 *     const stack = new Stack(new App(), 'Stack');
 *     -->
 *     ```ts
 *     new ModelInvoker(stack, 'Chat', { ... });
 *     ```
 *
 * The setup is real code (the snippet is also run, see snippets-run.test.ts), never a `declare`. Snippets import the
 * package by its public names, 'cdk-bedrock-foundation' and 'cdk-bedrock-foundation/nag'.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const README = path.join(ROOT, 'README.md');

/** The package's entry points, and the sources they are compiled from (package.json `exports`). */
export const ENTRY_POINTS: Record<string, string> = {
  'cdk-bedrock-foundation': path.join(ROOT, 'lib', 'index.ts'),
  'cdk-bedrock-foundation/nag': path.join(ROOT, 'lib', 'nag', 'index.ts'),
};

export interface Snippet {
  /** 1-based README line of the snippet's first code line. */
  readonly line: number;
  /** The hidden setup (may be empty). */
  readonly setup: string;
  /** The code as shown in the README. */
  readonly code: string;
  /** setup + code, as one module. */
  readonly source: string;
  /** Lines of `source` before the snippet's first code line. */
  readonly setupLines: number;
}

export function readmeSnippets(text = fs.readFileSync(README, 'utf8')): Snippet[] {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trimEnd() !== '```ts') continue;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === '```');
    if (end < 0) throw new Error(`README.md:${i + 1}: the \`\`\`ts block is not closed`);
    const code = lines.slice(i + 1, end).join('\n');
    let setup = '';
    // The setup comment, if any, ends on the line right before the fence.
    if (i > 0 && lines[i - 1].trim() === '-->') {
      const start = lines.lastIndexOf('<!-- snippet-setup', i - 1);
      if (start < 0 || lines.slice(start + 1, i - 1).some((l) => l.includes('-->'))) {
        throw new Error(`README.md:${i}: a comment ends right before the \`\`\`ts block but does not start with "<!-- snippet-setup"`);
      }
      setup = lines.slice(start + 1, i - 1).join('\n');
    }
    const head = setup ? `${setup}\n` : '';
    snippets.push({ line: i + 2, setup, code, source: `${head}${code}\nexport {};\n`, setupLines: head ? head.split('\n').length - 1 : 0 });
    i = end;
  }
  return snippets;
}

/** 'README.md:<line>' of a 0-based line of a snippet's source (the setup's lines point at the fence). */
export function readmeLine(snippet: Snippet, sourceLine0: number): string {
  return sourceLine0 < snippet.setupLines
    ? `README.md:${snippet.line - 1} (hidden setup, line ${sourceLine0 + 1})`
    : `README.md:${snippet.line + sourceLine0 - snippet.setupLines}`;
}
