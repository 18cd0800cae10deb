/**
 * Lines of properties in a template file, so that a finding points at the property it is about (the line of its key
 * in an object, of the element in a list), not at the resource. JSON is scanned once by a small scanner that records
 * key lines; YAML is read with the `yaml` package's document API (node ranges), with the same short-form tags as the
 * loader. Only the resources asked for are indexed.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { PathSegment } from '../nag/core/types';
import { CFN_TAGS } from './yaml-cfn';

const SEP = '\u0000';

function key(path: readonly PathSegment[]): string {
  return path.map(String).join(SEP);
}

/** Lines (1-based) of template paths (`['Resources', 'Fn', 'Properties', 'Environment', ...]`). */
export class PositionIndex {
  /**
   * Indexes a template's text. `resources`: the logical IDs whose properties are needed (others are skipped).
   */
  public static of(text: string, format: 'json' | 'yaml', resources: ReadonlySet<string>): PositionIndex {
    try {
      return new PositionIndex(format === 'json' ? indexJson(text, resources) : indexYaml(text, resources));
    } catch {
      // Positions only improve reports: a file the scanner cannot follow gets none (the loader already parsed it).
      return new PositionIndex(new Map());
    }
  }

  private constructor(private readonly lines: Map<string, number>) {}

  /**
   * The line of a path, or of its deepest prefix that is in the template (a path through an intrinsic or into a JSON
   * string ends at the property that holds it). `exact` says whether the whole path was found.
   */
  public lineOf(path: readonly PathSegment[]): { line: number; exact: boolean } | undefined {
    for (let n = path.length; n > 0; n--) {
      const line = this.lines.get(key(path.slice(0, n)));
      if (line !== undefined) return { line, exact: n === path.length };
    }
    return undefined;
  }
}

/**
 * Records the line of every key (and list element) under `Resources.<wanted>` and `Globals`, and of each resource key.
 */
function indexJson(text: string, wanted: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
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
  // `record`: whether positions below this value are wanted; `path` is only built when they are.
  const value = (path: PathSegment[] | undefined, depth: number): void => {
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
        let childPath: PathSegment[] | undefined;
        if (path) {
          childPath = [...path, k];
        } else if (depth === 0) {
          childPath = k === 'Resources' || k === 'Globals' ? [k] : undefined;
        }
        if (childPath && childPath.length === 2 && childPath[0] === 'Resources') {
          out.set(key(childPath), keyLine);
          if (!wanted.has(k)) childPath = undefined;
        } else if (childPath && (childPath.length > 2 || childPath[0] === 'Globals')) {
          out.set(key(childPath), keyLine);
        }
        value(childPath, depth + 1);
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
        const childPath = path && path.length >= 2 ? [...path, index] : undefined;
        if (childPath) out.set(key(childPath), line);
        value(childPath, depth + 1);
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
  return out;
}

/**
 * Records the line of every key (and list element) under `Resources.<wanted>` and `Globals`, and of each resource key.
 */
function indexYaml(text: string, wanted: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: CFN_TAGS as any, lineCounter, uniqueKeys: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : undefined;
        if (k === undefined) continue;
        const childPath = [...path, k];
        const line = lineAt((item.key as { range?: [number, number, number] }).range?.[0]);
        if (line !== undefined) out.set(key(childPath), line);
        if (childPath.length === 2 && childPath[0] === 'Resources' && !wanted.has(k)) continue;
        walk(item.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = [...path, index];
        const line = lineAt((item as { range?: [number, number, number] } | null)?.range?.[0]);
        if (line !== undefined) out.set(key(childPath), line);
        walk(item, childPath);
      });
    }
  };
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isPair(item) && isScalar(item.key) && (item.key.value === 'Resources' || item.key.value === 'Globals')) {
        walk(item.value, [item.key.value]);
      }
    }
  }
  return out;
}
