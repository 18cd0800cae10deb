/**
 * Lines of properties in a template file, so that a finding points at the property it is about (the line of its key
 * in an object, of the element in a list), not at the resource. JSON is scanned once by a small scanner that records
 * key lines; YAML is read with the `yaml` package's document API (node ranges), with the same short-form tags as the
 * loader. Only the resources asked for are indexed.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { PathSegment } from '../nag/core/types';
import { CFN_TAGS } from './yaml-cfn';

/** A node of the index: the line of a key (or list element) and the lines below it. */
interface PosNode {
  line: number;
  children?: Map<string, PosNode>;
}

/** Lines (1-based) of template paths (`['Resources', 'Fn', 'Properties', 'Environment', ...]`). */
export class PositionIndex {
  /**
   * Indexes a template's text. `resources`: the logical IDs whose properties are needed (others are skipped).
   */
  public static of(text: string, format: 'json' | 'yaml', resources: ReadonlySet<string>): PositionIndex {
    const root: PosNode = { line: 1 };
    try {
      if (format === 'json') indexJson(text, resources, root);
      else indexYaml(text, resources, root);
    } catch {
      // Positions only improve reports: a file the scanner cannot follow keeps what was read (the loader parsed it).
    }
    return new PositionIndex(root);
  }

  private constructor(private readonly root: PosNode) {}

  /**
   * The line of a path, or of its deepest prefix that is in the template (a path through an intrinsic or into a JSON
   * string ends at the property that holds it). `exact` says whether the whole path was found.
   */
  public lineOf(path: readonly PathSegment[]): { line: number; exact: boolean } | undefined {
    let node = this.root;
    let found: PosNode | undefined;
    let depth = 0;
    for (const seg of path) {
      const next = node.children?.get(String(seg));
      if (!next) break;
      node = next;
      found = next;
      depth++;
    }
    return found ? { line: found.line, exact: depth === path.length } : undefined;
  }
}

function child(parent: PosNode, key: string, line: number): PosNode {
  if (!parent.children) parent.children = new Map();
  let node = parent.children.get(key);
  if (!node) {
    node = { line };
    parent.children.set(key, node);
  }
  return node;
}

/**
 * Records the line of every key (and list element) under `Resources.<wanted>` and `Globals`, and of each resource key.
 */
function indexJson(text: string, wanted: ReadonlySet<string>, root: PosNode): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        i++;
      } else if (c === 32 || c === 9 || c === 13) {
        i++;
      } else {
        break;
      }
    }
  };
  const str = (): string => {
    i++; // opening quote
    const start = i;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 34) break;
      i++;
    }
    const raw = text.slice(start, i);
    i++; // closing quote
    return escaped ? JSON.parse(`"${raw}"`) : raw;
  };
  /**
   * `node`: where the lines below this value go (undefined: not wanted, skipped); `depth`: 0 for the template,
   * 1 for a top-level section.
   */
  const value = (node: PosNode | undefined, depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const keyLine = line;
        const k = str();
        ws();
        i++; // ':'
        let next: PosNode | undefined;
        if (depth === 0) {
          next = k === 'Resources' || k === 'Globals' ? child(root, k, keyLine) : undefined;
        } else if (node) {
          next = child(node, k, keyLine);
          // A resource's own line is always kept; its properties only when asked for.
          if (depth === 1 && node === root.children?.get('Resources') && !wanted.has(k)) next = undefined;
        }
        value(next, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // '}'
        return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      let index = 0;
      for (;;) {
        ws();
        const next = node ? child(node, String(index), line) : undefined;
        value(next, depth + 1);
        index++;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // ']'
        return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < n && !',}] \n\r\t'.includes(text[i])) i++;
    }
  };
  value(undefined, 0);
}

/**
 * Records the line of every key (and list element) under `Resources.<wanted>` and `Globals`, and of each resource key.
 */
function indexYaml(text: string, wanted: ReadonlySet<string>, root: PosNode): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: CFN_TAGS as any, lineCounter, uniqueKeys: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const walk = (value: unknown, node: PosNode, skipUnwanted: boolean): void => {
    if (isMap(value)) {
      for (const item of value.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const line = lineAt((item.key as { range?: [number, number, number] }).range?.[0]);
        if (line === undefined) continue;
        const next = child(node, String(item.key.value), line);
        if (skipUnwanted && !wanted.has(String(item.key.value))) continue;
        walk(item.value, next, false);
      }
    } else if (isSeq(value)) {
      value.items.forEach((item, index) => {
        const line = lineAt((item as { range?: [number, number, number] } | null)?.range?.[0]);
        if (line === undefined) return;
        walk(item, child(node, String(index), line), false);
      });
    }
  };
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (!isPair(item) || !isScalar(item.key) || (item.key.value !== 'Resources' && item.key.value !== 'Globals')) continue;
      const line = lineAt((item.key as { range?: [number, number, number] }).range?.[0]) ?? 1;
      walk(item.value, child(root, String(item.key.value), line), item.key.value === 'Resources');
    }
  }
}
