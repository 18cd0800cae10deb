/**
 * Reads the inputs of `cdk-bedrock-check`: a cloud assembly (`cdk.out`: manifest.json, nested assemblies of stages,
 * nested-stack templates, construct paths from the stack metadata or tree.json, acknowledgements from the stack
 * metadata) or plain CloudFormation template files (JSON or YAML with short-form tags).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CfnTemplateJson } from '../nag/core/types';
import { parseCfnYaml } from './yaml-cfn';

/** Input that cannot be read or understood: the CLI exits 2 with this message. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** An acknowledgement recorded by `Validations.of(scope).acknowledge({ id, reason })`. */
export interface Acknowledgement {
  /** Construct path the acknowledgement was made at (metadata form, leading '/'). */
  readonly path: string;
  /** Recorded ID, e.g. `Annotation::Bedrock-ModelLegacy[anthropic...]` or `Bedrock::Bedrock-InvokeWildcard`. */
  readonly id: string;
  readonly reason: string;
}

/** One template to check, with what is known about its stack. */
export interface StackInput {
  /** Display name: the stack's display name (`Prod/Api`), nested stacks as `<parent>/<construct id>`, or the file name. */
  readonly name: string;
  readonly templateFile: string;
  readonly template: CfnTemplateJson;
  readonly templateText: string;
  readonly format: 'json' | 'yaml';
  readonly region?: string;
  readonly account?: string;
  /** Where the Region came from. */
  readonly regionSource: 'manifest' | 'option' | 'unknown';
  /** Logical ID -> construct path (without leading '/'). */
  readonly constructPaths: ReadonlyMap<string, string>;
  readonly acknowledgements: readonly Acknowledgement[];
  readonly nested: boolean;
  /** From a CDK cloud assembly (acknowledgements made on the App or a Stage are not in it). */
  readonly fromAssembly: boolean;
}

export interface LoadOptions {
  /** Region for environment-agnostic stacks and plain templates. */
  readonly region?: string;
}

interface MetadataEntry {
  readonly type?: string;
  readonly data?: unknown;
}

function readText(file: string, what: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new InputError(`Cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}.`);
  }
  if (stat.isDirectory()) throw new InputError(`${what} '${file}' is a directory, not a file.`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`Cannot read ${what} '${file}': ${(e as Error).message}.`);
  }
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputError(`${what} '${file}' is not valid JSON: ${(e as Error).message}. Re-run 'cdk synth' or fix the file.`);
  }
}

/** Parses a template file (JSON, or YAML with CloudFormation short-form tags) and checks its shape. */
export function parseTemplate(text: string, file: string): { template: CfnTemplateJson; format: 'json' | 'yaml' } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trimStart();
  let parsed: unknown;
  let format: 'json' | 'yaml';
  if (trimmed.startsWith('{')) {
    format = 'json';
    parsed = parseJson(body, file, 'Template');
  } else {
    format = 'yaml';
    try {
      parsed = parseCfnYaml(body);
    } catch (e) {
      throw new InputError(`Template '${file}' is neither valid JSON nor valid YAML: ${(e as Error).message.split('\n')[0]}. Fix the file.`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(`'${file}' is not a CloudFormation template: it is not a JSON/YAML object.`);
  }
  const t = parsed as CfnTemplateJson;
  if (t.Resources === undefined || t.Resources === null || typeof t.Resources !== 'object' || Array.isArray(t.Resources)) {
    throw new InputError(`'${file}' is not a CloudFormation template: it has no 'Resources' section (an object of resources).`);
  }
  return { template: t, format };
}

function loadTemplateFile(file: string): { template: CfnTemplateJson; text: string; format: 'json' | 'yaml' } {
  const text = readText(file, 'Template');
  const { template, format } = parseTemplate(text, file);
  return { template, text, format };
}

/** Loads every input path (cloud-assembly directories, manifest.json files or template files). */
export function loadInputs(paths: readonly string[], options: LoadOptions = {}): StackInput[] {
  const out: StackInput[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new InputError(`Input '${p}' does not exist. Pass a cdk.out directory (written by 'cdk synth') or CloudFormation template files.`);
    }
    if (stat.isDirectory()) {
      loadAssembly(p, options, out, new Set());
    } else if (path.basename(p) === 'manifest.json') {
      loadAssembly(path.dirname(p), options, out, new Set());
    } else {
      out.push(plainTemplate(p, options));
    }
  }
  return out;
}

function plainTemplate(file: string, options: LoadOptions): StackInput {
  const { template, text, format } = loadTemplateFile(file);
  return {
    name: path.basename(file).replace(/\.(template\.)?(json|ya?ml|template)$/i, ''),
    templateFile: file,
    template,
    templateText: text,
    format,
    region: options.region,
    regionSource: options.region ? 'option' : 'unknown',
    constructPaths: pathsFromTemplate(template),
    acknowledgements: [],
    nested: false,
    fromAssembly: false,
  };
}

/** Construct paths from resource metadata `aws:cdk:path`. */
function pathsFromTemplate(template: CfnTemplateJson): Map<string, string> {
  const m = new Map<string, string>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = r && typeof r === 'object' ? (r.Metadata as Record<string, unknown> | undefined)?.['aws:cdk:path'] : undefined;
    if (typeof p === 'string') m.set(id, p);
  }
  return m;
}

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, unknown>;
  readonly metadata?: Record<string, MetadataEntry[]>;
  readonly additionalMetadataFile?: string;
}

function loadAssembly(dir: string, options: LoadOptions, out: StackInput[], visited: Set<string>,
  parentTree?: () => TreeIndex | undefined): void {
  const real = path.resolve(dir);
  if (visited.has(real)) return;
  visited.add(real);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    const empty = safeReaddir(dir).length === 0;
    throw new InputError(`'${dir}' has no manifest.json${empty ? ' (the directory is empty)' : ''}, so it is not a cloud assembly. `
      + "Run 'cdk synth' first and pass its output directory (cdk.out), or pass CloudFormation template files.");
  }
  const manifest = parseJson(readText(manifestFile, 'Cloud assembly manifest'), manifestFile, 'Cloud assembly manifest');
  if (!manifest || typeof manifest !== 'object' || typeof (manifest as Record<string, unknown>).artifacts !== 'object') {
    throw new InputError(`Cloud assembly manifest '${manifestFile}' has no 'artifacts' object; it is not a CDK cloud assembly manifest.`);
  }
  const artifacts = ((manifest as Record<string, unknown>).artifacts ?? {}) as Record<string, ManifestArtifact>;
  let tree: TreeIndex | undefined | null = null;
  const treeIndex = (): TreeIndex | undefined => {
    if (tree === null) {
      const treeArtifact = Object.values(artifacts).find((a) => a?.type === 'cdk:tree');
      const file = treeArtifact?.properties?.file;
      // Nested assemblies of stages have no tree.json of their own: the root's covers the whole app.
      tree = typeof file === 'string' ? loadTree(path.join(dir, file)) : parentTree?.();
    }
    return tree ?? undefined;
  };
  for (const [artifactId, art] of Object.entries(artifacts)) {
    if (!art || typeof art !== 'object') continue;
    if (art.type === 'cdk:cloud-assembly') {
      const sub = art.properties?.directoryName;
      if (typeof sub === 'string') loadAssembly(path.join(dir, sub), options, out, visited, treeIndex);
    } else if (art.type === 'aws:cloudformation:stack') {
      loadStackArtifact(dir, artifactId, art, options, out, treeIndex);
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function parseEnvironment(env: string | undefined): { account?: string; region?: string } {
  const m = /^aws:\/\/([^/]*)\/(.*)$/.exec(env ?? '');
  if (!m) return {};
  const known = (v: string, unknown: string) => (v && v !== unknown && !v.includes('${') && !v.includes('Token[') ? v : undefined);
  return { account: known(m[1], 'unknown-account'), region: known(m[2], 'unknown-region') };
}

function loadStackArtifact(dir: string, artifactId: string, art: ManifestArtifact, options: LoadOptions, out: StackInput[],
  treeIndex: () => TreeIndex | undefined): void {
  const templateFileName = art.properties?.templateFile;
  if (typeof templateFileName !== 'string') {
    throw new InputError(`Stack artifact '${artifactId}' in '${path.join(dir, 'manifest.json')}' has no properties.templateFile.`);
  }
  const env = parseEnvironment(art.environment);
  const region = env.region ?? options.region;
  const regionSource: StackInput['regionSource'] = env.region ? 'manifest' : options.region ? 'option' : 'unknown';
  const displayName = art.displayName ?? artifactId;

  let metadata: Record<string, MetadataEntry[]> = art.metadata ?? {};
  if (art.additionalMetadataFile) {
    const file = path.join(dir, art.additionalMetadataFile);
    if (fs.existsSync(file)) {
      const extra = parseJson(readText(file, 'Stack metadata file'), file, 'Stack metadata file');
      if (extra && typeof extra === 'object') metadata = { ...metadata, ...(extra as Record<string, MetadataEntry[]>) };
    }
  }

  const templatePaths = new Map<string, string>(); // construct path -> template file
  const logicalIds: Array<{ path: string; id: string }> = [];
  const acknowledgements: Acknowledgement[] = [];
  for (const [cpath, entries] of Object.entries(metadata)) {
    if (!Array.isArray(entries)) continue;
    for (const e of entries) {
      if (e?.type === 'aws:cdk:templateFile' && typeof e.data === 'string') templatePaths.set(cpath, e.data);
      else if (e?.type === 'aws:cdk:logicalId' && typeof e.data === 'string') logicalIds.push({ path: cpath, id: e.data });
      else if (e?.type === 'aws:cdk:acknowledged-rules' && e.data && typeof e.data === 'object') {
        for (const [id, reason] of Object.entries(e.data as Record<string, unknown>)) {
          acknowledgements.push({ path: cpath, id, reason: String(reason) });
        }
      }
    }
  }
  let stackPath = [...templatePaths.entries()].find(([, f]) => f === templateFileName)?.[0];
  if (!stackPath) {
    stackPath = '/' + displayName;
    templatePaths.set(stackPath, templateFileName);
  }
  const nestedPaths = [...templatePaths.keys()].filter((p) => p !== stackPath);

  const pathsFor = (tplPath: string, template: CfnTemplateJson): Map<string, string> => {
    const deeper = [...templatePaths.keys()].filter((p) => p !== tplPath && p.startsWith(tplPath + '/'));
    const m = new Map<string, string>();
    for (const { path: cp, id } of logicalIds) {
      if (!cp.startsWith(tplPath + '/')) continue;
      if (deeper.some((d) => cp.startsWith(d + '/'))) continue;
      m.set(id, cp.replace(/^\//, ''));
    }
    if (m.size === 0) {
      const fromTree = treeIndex()?.byStackPath.get(tplPath.replace(/^\//, ''));
      if (fromTree) for (const [id, cp] of fromTree) m.set(id, cp);
    }
    for (const [id, cp] of pathsFromTemplate(template)) m.set(id, cp);
    return m;
  };

  const push = (tplPath: string, file: string, nested: boolean) => {
    const full = path.join(dir, file);
    const { template, text, format } = loadTemplateFile(full);
    out.push({
      name: nested ? tplPath.replace(/^\//, '') : displayName,
      templateFile: full,
      template,
      templateText: text,
      format,
      region,
      account: env.account,
      regionSource,
      constructPaths: pathsFor(tplPath, template),
      acknowledgements,
      nested,
      fromAssembly: true,
    });
    return template;
  };

  const root = push(stackPath, templateFileName, false);
  const seenFiles = new Set<string>([templateFileName]);
  for (const np of nestedPaths) {
    const f = templatePaths.get(np)!;
    if (seenFiles.has(f)) continue;
    seenFiles.add(f);
    push(np, f, true);
  }
  // Nested stacks recorded only as asset metadata on AWS::CloudFormation::Stack resources.
  const queue: Array<{ template: CfnTemplateJson; name: string }> = [{ template: root, name: displayName }];
  while (queue.length > 0) {
    const { template, name } = queue.shift()!;
    for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
      if (r?.Type !== 'AWS::CloudFormation::Stack') continue;
      const assetPath = (r.Metadata as Record<string, unknown> | undefined)?.['aws:asset:path'];
      if (typeof assetPath !== 'string' || seenFiles.has(assetPath) || !/\.json$|\.ya?ml$/.test(assetPath)) continue;
      if (!fs.existsSync(path.join(dir, assetPath))) continue;
      seenFiles.add(assetPath);
      const child = push(`/${name}/${logicalId}`, assetPath, true);
      queue.push({ template: child, name: `${name}/${logicalId}` });
    }
  }
}

interface TreeIndex {
  /** stack construct path (no leading '/') -> logical ID -> construct path */
  readonly byStackPath: Map<string, Map<string, string>>;
}

interface TreeNode {
  readonly id?: string;
  readonly path?: string;
  readonly children?: Record<string, TreeNode>;
  readonly attributes?: Record<string, unknown>;
  readonly constructInfo?: { fqn?: string };
}

function loadTree(file: string): TreeIndex | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // tree.json only improves messages; a broken one is not fatal
  }
  const byStackPath = new Map<string, Map<string, string>>();
  const walk = (node: TreeNode, stackPath: string | undefined) => {
    const fqn = node.constructInfo?.fqn ?? '';
    let current = stackPath;
    if (/(^|\.)(Nested)?Stack$/.test(fqn) && node.path) current = node.path;
    const logicalId = node.attributes?.['aws:cdk:cloudformation:logicalId'];
    if (current && typeof logicalId === 'string' && node.path) {
      let m = byStackPath.get(current);
      if (!m) byStackPath.set(current, (m = new Map()));
      m.set(logicalId, node.path);
    }
    for (const child of Object.values(node.children ?? {})) walk(child, current);
  };
  const root = (parsed as { tree?: TreeNode }).tree;
  if (root) walk(root, undefined);
  return { byStackPath };
}
