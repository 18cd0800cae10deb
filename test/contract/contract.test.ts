/**
 * The construct↔handler contract (lib/contract): the constructs write it, the handlers (lambda/) read it, and
 * nothing else names its variables or decides its shape.
 *
 * The compile-time half is test/contract/schema-tie.ts: it is type-checked by `npm run build` (`tsc -p tsconfig.json`
 * includes test/**; jest's swc transform does not type-check), where each `@ts-expect-error` line proves that a schema
 * differing from the contract type is a compile error. The first test below checks that the build does compile it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import * as ts from 'typescript';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { ENV, INVOCATION_FORMS, RUNTIME_CONFIG_SCHEMA_VERSION, type RuntimeModelConfig } from '../../lib/contract';
import { EmbeddingInvoker } from '../../lib/invokers/embedding-invoker';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { RagInvoker } from '../../lib/invokers/rag-invoker';
import { KnowledgeBase } from '../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { parseModelConfig } from '../../lambda/shared/model-config';

const ROOT = join(__dirname, '..', '..');
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const ENV_NAMES = new Set<string>(Object.values(ENV));

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

function stack(): Stack {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  return new Stack(app, 'S', { env: { region: 'us-east-1', account: '123456789012' } });
}

test('the build type-checks the compile-time tie (test/contract/schema-tie.ts)', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // `npm run build` is scripts/build.mjs, which runs scripts/compile.ts (what `tsc -p tsconfig.json` does: every file
  // of tsconfig.json, failing the build on any error; test/sample/build-if-stale.test.ts shows a type error failing it).
  expect(pkg.scripts.build).toBe('node scripts/build.mjs');
  expect(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8')).toMatch(/spawn\(process\.execPath, \[tsxCli, COMPILE, root\]/);
  const compile = readFileSync(join(ROOT, 'scripts', 'compile.ts'), 'utf8');
  expect(compile).toMatch(/const configFile = path\.join\(root, 'tsconfig\.json'\)/);
  expect(compile).toMatch(/rootNames: parsed\.fileNames/);
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  expect(parsed.fileNames.map((f) => relative(ROOT, f))).toContain(join('test', 'contract', 'schema-tie.ts'));
  expect(parsed.options.noEmit).not.toBe(true);
});

describe('environment variables', () => {
  test('names are their own values, so a rename is one edit in lib/contract', () => {
    for (const [key, value] of Object.entries(ENV)) expect(value).toBe(key);
  });

  test('every variable the invoker constructs set is named in the contract', () => {
    const s = stack();
    const model = BedrockModel.of(HAIKU);
    const config = new PinnedModelConfig(s, 'Models', { models: { chat: model } });
    new ModelInvoker(s, 'Direct', { model, inferenceParameters: { maxTokens: 100 } });
    new ModelInvoker(s, 'FromConfig', { config, role: 'chat', streaming: true });
    new EmbeddingInvoker(s, 'Embed', { model: BedrockModel.of('amazon.titan-embed-text-v2:0'), dimensions: 512, normalize: true, concurrency: 2 });
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(s, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(s, 'Rag', { knowledgeBase: kb, model });
    const functions = s.node.findAll().filter((c: IConstruct): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    expect(functions).toHaveLength(4);
    const names = new Set(functions.flatMap((f) => Object.keys(s.resolve(f.environment)?.variables ?? {})));
    // Each optional variable appears: the check covers them all.
    expect([...names].sort()).toEqual([
      ENV.BEDROCK_MAX_ATTEMPTS, ENV.EMBEDDING_CONCURRENCY, ENV.EMBEDDING_DIMENSIONS, ENV.EMBEDDING_NORMALIZE,
      ENV.KNOWLEDGE_BASE_ID, ENV.MODEL_ARN, ENV.MODEL_CONFIG, ENV.MODEL_CONFIG_HASH, ENV.MODEL_CONFIG_PARAMETER, ENV.MODEL_ID,
      ENV.NUMBER_OF_RESULTS, ENV.POWERTOOLS_METRICS_NAMESPACE, ENV.POWERTOOLS_SERVICE_NAME,
    ].sort());
  });

  /**
   * Where `source` names a contract variable other than as `ENV.X`: a string literal equal to a name
   * (`process.env['MODEL_CONFIG']`, `addEnvironment('MODEL_CONFIG', ...)`), `process.env.MODEL_CONFIG`, or an object key
   * (`{ MODEL_ARN: ... }`). Parsed, not type-checked.
   */
  function literalNames(fileName: string, source: string): string[] {
    const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
      const named = (ts.isStringLiteralLike(node) && ENV_NAMES.has(node.text))
        || (ts.isPropertyAccessExpression(node) && ENV_NAMES.has(node.name.text) && node.expression.getText(file) !== 'ENV')
        || ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isIdentifier(node.name) && ENV_NAMES.has(node.name.text));
      if (named) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}: ${node.getText(file).slice(0, 60)}`);
      ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
  }

  // Sources that name contract variables only as ENV.X. The construct folders owned elsewhere (lib/config,
  // lib/access, lib/knowledge-base) join this list once they read their names from lib/contract.
  const SCANNED = ['lambda', join('lib', 'invokers'), join('lib', 'config'), join('lib', 'access'), join('lib', 'knowledge-base')];

  test.each(SCANNED)('%s names the contract\'s variables only through ENV', (dir) => {
    const found = filesUnder(join(ROOT, dir), '.ts').flatMap((file) => literalNames(relative(ROOT, file), readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  test('the scan finds every way of naming a variable but ENV.X (the check can fail)', () => {
    const source = "process.env['MODEL_CONFIG']; process.env.MODEL_CONFIG_HASH; fn.addEnvironment(`MODEL_ID`, x); const e = { MODEL_ARN: a }; process.env[ENV.KNOWLEDGE_BASE_ID];";
    expect(literalNames('snippet.ts', source).map((f) => f.replace(/^snippet\.ts:1: /, ''))).toEqual([
      "'MODEL_CONFIG'", 'process.env.MODEL_CONFIG_HASH', '`MODEL_ID`', 'MODEL_ARN: a',
    ]);
  });
});

describe('run-time configuration', () => {
  const models = [HAIKU, 'anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3'];

  test.each(models)('what BedrockModel.of(%s) writes reads back unchanged (no field dropped or added)', (id) => {
    const written = BedrockModel.of(id).runtimeConfig();
    expect(parseModelConfig(JSON.stringify(written), 'test')).toEqual(written);
  });

  test('what PinnedModelConfig writes, with a role and inference parameters, reads back unchanged', () => {
    const config = new PinnedModelConfig(stack(), 'Models', {
      models: { chat: BedrockModel.of(HAIKU) },
      inferenceParameters: { chat: { maxTokens: 300, temperature: 0.5, stopSequences: ['END'] } },
    });
    const written = config.runtimeConfig('chat');
    expect(written).toMatchObject({ role: 'chat', inferenceParameters: { maxTokens: 300 } });
    expect(parseModelConfig(JSON.stringify(written), 'test')).toEqual(written);
  });

  const base: RuntimeModelConfig = BedrockModel.of(HAIKU).runtimeConfig();

  test('a field the contract allows to be null may be left out, and reads as null', () => {
    const { foundationModelId: _f, contextWindow: _c, maxOutputTokens: _m, embedding: _e, price: _p, ...rest } = base;
    expect(parseModelConfig(JSON.stringify(rest), 'test')).toEqual({
      ...rest, foundationModelId: null, contextWindow: null, maxOutputTokens: null, embedding: null, price: null,
    });
  });

  test.each(['catalogGeneratedAt', 'modelId', 'invocationForm'] as const)('a required field left out (%s) is named', (field) => {
    const { [field]: _drop, ...rest } = base;
    expect(() => parseModelConfig(JSON.stringify(rest), 'SSM parameter /p/chat/config')).toThrow(
      expect.objectContaining({ name: 'ConfigError', field, message: expect.stringMatching(new RegExp(`SSM parameter /p/chat/config: field "${field}" (expected|must be one of)`)) }));
  });

  test('every invocation form of the contract is accepted, and another is refused naming them all', () => {
    for (const form of INVOCATION_FORMS) {
      expect(parseModelConfig(JSON.stringify({ ...base, invocationForm: form }), 'test').invocationForm).toBe(form);
    }
    expect(() => parseModelConfig(JSON.stringify({ ...base, invocationForm: 'cross-region' }), 'test'))
      .toThrow(`field "invocationForm" must be one of ${INVOCATION_FORMS.map((f) => JSON.stringify(f)).join(', ')}`);
  });

  test('the schema version is the contract\'s', () => {
    expect(parseModelConfig(JSON.stringify(base), 'test').schemaVersion).toBe(RUNTIME_CONFIG_SCHEMA_VERSION);
    const next = RUNTIME_CONFIG_SCHEMA_VERSION + 1;
    expect(() => parseModelConfig(JSON.stringify({ ...base, schemaVersion: next }), 'test'))
      .toThrow(`has schemaVersion ${next}; this handler reads schemaVersion ${RUNTIME_CONFIG_SCHEMA_VERSION}.`);
  });
});

describe('handler bundles', () => {
  const bundles = readdirSync(join(ROOT, 'assets', 'handlers')).filter((n) => statSync(join(ROOT, 'assets', 'handlers', n)).isDirectory());

  test('every handler in lambda/ is bundled', () => {
    const handlers = readdirSync(join(ROOT, 'lambda')).filter((n) => n !== 'shared' && statSync(join(ROOT, 'lambda', n)).isDirectory());
    expect(bundles.sort()).toEqual(handlers.sort());
  });

  test.each(bundles)('%s carries no construct code (no aws-cdk-lib, no constructs)', (name) => {
    const code = readFileSync(join(ROOT, 'assets', 'handlers', name, 'index.js'), 'utf8');
    expect(code).not.toMatch(/aws-cdk-lib|@aws-cdk\/|constructs\.Construct/);
  });
});
