import { findModelReferences, judgeReference, parseModelArn } from '../../../lib/nag/core/model-scan';
import { MODEL_RULES } from '../../../lib/nag/rules';
import { NOW } from '../util';

/** The rule that reports a code: the model rule that declares it. */
const ruleOf = (code: string) => MODEL_RULES.find((r) => (r.codes as readonly string[]).includes(code))?.name;

const ctx = { region: 'us-east-1', now: NOW };

describe('model reference scan', () => {
  test('takes the Region of a model ARN from the ARN', () => {
    const ref = parseModelArn('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0', 'R', ctx, false)!;
    expect(ref).toMatchObject({ id: 'amazon.nova-pro-v1:0', region: 'eu-west-1', kind: 'foundation-model-arn' });
    const hits = judgeReference(ref, ctx);
    expect(hits.map((h) => h.code)).toEqual(expect.arrayContaining(['CrossRegionArn', 'NotInRegion']));
  });

  test('ignores wildcard and non-model ARNs; application-profile ARNs give one HiddenModel warning', () => {
    expect(parseModelArn('arn:aws:bedrock:us-east-1::foundation-model/*', 'R', ctx, false)).toBeUndefined();
    expect(parseModelArn('arn:aws:bedrock:us-east-1:111111111111:knowledge-base/ABC', 'R', ctx, false)).toBeUndefined();
    const app = parseModelArn('arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc', 'R', ctx, false)!;
    expect(app).toMatchObject({ id: 'abc', kind: 'hidden-model-arn' });
    expect(judgeReference(app, ctx).map((h) => [ruleOf(h.code), h.level, h.code])).toEqual([['ModelIdKnown', 'warning', 'HiddenModel']]);
    expect(parseModelArn('arn:aws:s3:::anthropic.claude-haiku-4-5-20251001-v1:0', 'R', ctx, false)).toBeUndefined();
  });

  test('destination-Region FM ARNs under bedrock:InferenceProfileArn skip Region checks', () => {
    const ref = parseModelArn('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0', 'R', ctx, true)!;
    expect(judgeReference(ref, ctx)).toEqual([]);
  });

  test('reads modelId fields of JSON values but not foundationModelId', () => {
    const refs = findModelReferences({
      Type: 'AWS::SSM::Parameter',
      Properties: { Value: JSON.stringify({ modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', nested: { embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' } }) },
    }, ctx);
    expect(refs.map((r) => [r.where, r.id])).toEqual([
      ['Value.modelId', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
      ['Value.nested.embeddingModelArn', 'amazon.titan-embed-text-v2:0'],
    ]);
  });

  test('values that only resemble model IDs are not model IDs', () => {
    const refs = findModelReferences({
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { A: 'amazon.com', B: 'example.com:443', C: 'v1.2.3', D: 'foo.bar-baz-v1:0' } } },
    }, ctx);
    expect(refs).toEqual([]);
  });

  test('strings that share a provider prefix are not model IDs; family forms without a version are', () => {
    const refs = findModelReferences({
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: {
        A: 'amazon.com-logs', B: 'meta.data-2024.json', C: 'openai.my-proxy.example.com', D: 'meta.llama3', E: 'anthropic.claude',
      } } },
    }, ctx);
    expect(refs.map((r) => r.id)).toEqual(['meta.llama3', 'anthropic.claude']);
  });

  test('fields that can only hold a model are judged whatever the value looks like', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: { 'Fn::If': ['C', 'anthropic.claude', 'claude-3-haiku'] } },
    }, ctx);
    expect(refs.map((r) => r.id)).toEqual(['anthropic.claude', 'claude-3-haiku']);
    const codes = refs.flatMap((r) => judgeReference(r, ctx)).map((h) => [ruleOf(h.code), h.code]);
    expect(codes).toEqual([['ModelIdPinned', 'Unversioned'], ['ModelIdPinned', 'Syntax']]);
  });

  test('a Knowledge Base embedding model ARN is judged even when its ID does not look like a model ID', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::KnowledgeBase',
      Properties: { KnowledgeBaseConfiguration: { VectorKnowledgeBaseConfiguration: {
        EmbeddingModelArn: { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/titan-embed' },
      } } },
    }, ctx);
    expect(refs.map((r) => [r.id, r.kind])).toEqual([['titan-embed', 'foundation-model-arn']]);
    expect(judgeReference(refs[0], ctx).map((h) => h.code)).toEqual(['Syntax']);
  });

  test('model-only fields skip unknown values and other Bedrock model ARNs, and report non-Bedrock ARNs', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: { 'Fn::GetAtt': ['Profile', 'InferenceProfileArn'] } },
    }, ctx);
    expect(refs).toEqual([]);
    expect(findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: 'arn:aws:bedrock:us-east-1:111111111111:custom-model/abc' },
    }, ctx)).toEqual([]);
    const s3 = findModelReferences({ Type: 'AWS::Bedrock::Agent', Properties: { FoundationModel: 'arn:aws:s3:::models/claude' } }, ctx);
    expect(s3.flatMap((r) => judgeReference(r, ctx)).map((h) => h.code)).toEqual(['Syntax']);
  });

  test('foundation-model ARNs in policies are judged even when looksLikeModelId would say no', () => {
    const ref = parseModelArn('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude', 'R', ctx, false)!;
    expect(ref.id).toBe('anthropic.claude');
    expect(judgeReference(ref, ctx).map((h) => h.code)).toEqual(['Unversioned']);
  });

  test('every Fn::If branch of a policy is judged, also above the variant cap', () => {
    const arn = (id: string) => `arn:aws:bedrock:us-east-1::foundation-model/${id}`;
    const good = 'anthropic.claude-haiku-4-5-20251001-v1:0';
    const other = 'amazon.titan-embed-text-v2:0';
    const alias = 'anthropic.claude-3-5-sonnet-latest';
    const statement = (a: string, b: string) => ({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: { 'Fn::If': ['C', arn(a), arn(b)] } });
    // The alias is only in the second branch of the first of six Fn::If (2^6 combinations > MAX_VARIANTS).
    const statements = [statement(good, alias), ...Array.from({ length: 5 }, () => statement(good, other))];
    for (const list of [statements.slice(0, 1), statements]) {
      const ids = findModelReferences({ Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: list } } }, ctx).map((r) => r.id);
      expect(ids).toContain(alias);
    }
  });
});

describe('issue 23: each model reference is judged where it is called', () => {
  const tokyo = { region: 'ap-northeast-1', now: NOW };
  const codesOf = (resource: any, c = tokyo) => findModelReferences(resource, c)
    .flatMap((r) => judgeReference(r, c).map((h) => `${h.code}:${h.modelId}`));
  const fn = (variables: Record<string, unknown>) => ({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } });

  test('a region field beside the model ID in the same JSON object is where it is called (no false Region errors)', () => {
    const refs = findModelReferences(fn({
      MODELS: JSON.stringify([{ modelId: 'us.amazon.nova-pro-v1:0', region: 'us-east-1' }, { modelId: 'amazon.nova-lite-v1:0', region: 'us-east-1' }]),
    }), tokyo);
    expect(refs.map((r) => [r.where, r.region, r.regionSource, r.regionKey])).toEqual([
      ['Environment.Variables.MODELS[0].modelId', 'us-east-1', 'json-field', 'region'],
      ['Environment.Variables.MODELS[1].modelId', 'us-east-1', 'json-field', 'region'],
    ]);
    expect(refs.flatMap((r) => judgeReference(r, tokyo))).toEqual([]);
  });

  test('a Region variable of the same function is where its models are called; the message says which Region and why', () => {
    const hits = findModelReferences(fn({ MODEL_REGION: 'us-east-1', MODEL_ID: 'us.amazon.nova-pro-v1:0', OLD_MODEL_ID: 'cohere.command-r-plus-v1:0' }), tokyo)
      .flatMap((r) => judgeReference(r, tokyo));
    expect(hits.map((h) => `${h.code}:${h.modelId}`)).toEqual(['EndOfLife:cohere.command-r-plus-v1:0']);
    expect(hits[0].message).toContain("('cohere.command-r-plus-v1:0'; judged in us-east-1, named by the function's MODEL_REGION variable)");
  });

  test('without a Region named beside it, the stack Region is used, and the message says so', () => {
    const hits = findModelReferences(fn({ MODEL_ID: 'us.amazon.nova-pro-v1:0' }), tokyo).flatMap((r) => judgeReference(r, tokyo));
    expect(hits.map((h) => h.code)).toEqual(['ProfileGeography']);
    expect(hits[0].message).toContain("judged in ap-northeast-1, the stack's Region");
  });

  test('end of life is reported whatever the Region verdict (a wrong-Region error no longer replaces it)', () => {
    // cohere.command-r-plus-v1:0 is not offered in ap-northeast-1 and reached end of life where it is offered.
    expect(codesOf(fn({ MODEL_ID: 'cohere.command-r-plus-v1:0' }))).toEqual(['EndOfLife:cohere.command-r-plus-v1:0']);
  });

  test("no 'Region cannot be checked' next to the same value's end of life", () => {
    // anthropic.claude-3-5-haiku-20241022-v1:0 has no sourced Regions and a sourced end of life.
    expect(codesOf(fn({ MODEL_ID: 'anthropic.claude-3-5-haiku-20241022-v1:0' }), { region: 'us-east-1', now: NOW }))
      .toEqual(['EndOfLife:anthropic.claude-3-5-haiku-20241022-v1:0']);
  });

  test('a profile grant (profile ARN + the model in its destination Regions) without the condition is a hardening warning, not a Region error', () => {
    const policy = {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: { Statement: [{
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [
          'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.deepseek.r1-v1:0',
          ...['us-east-1', 'us-east-2', 'us-west-2'].map((r) => `arn:aws:bedrock:${r}::foundation-model/deepseek.r1-v1:0`),
        ],
      }] } },
    };
    const hits = findModelReferences(policy, { region: 'us-east-1', now: NOW }).flatMap((r) => judgeReference(r, { region: 'us-east-1', now: NOW }));
    expect(hits.map((h) => [h.level, h.code])).toEqual([
      ['warning', 'ProfileGrantUnconditioned'], ['warning', 'ProfileGrantUnconditioned'], ['warning', 'ProfileGrantUnconditioned'],
    ]);
    expect(hits.map((h) => h.message).join(' ')).not.toMatch(/\(no Region\)|not offered on demand/);
  });

  test('model IDs in JSON string arrays and comma-separated lists of environment variables are read', () => {
    const refs = findModelReferences(fn({
      ALLOWED: '["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0"]',
      FALLBACK: 'amazon.nova-pro-v1:0, cohere.command-r-plus-v1:0',
    }), ctx);
    expect(refs.map((r) => [r.where, r.id])).toEqual([
      ['Environment.Variables.ALLOWED[0]', 'anthropic.claude-3-haiku-20240307-v1:0'],
      ['Environment.Variables.ALLOWED[1]', 'amazon.nova-lite-v1:0'],
      ['Environment.Variables.FALLBACK[0]', 'amazon.nova-pro-v1:0'],
      ['Environment.Variables.FALLBACK[1]', 'cohere.command-r-plus-v1:0'],
    ]);
  });

  test('model IDs in SSM parameter JSON under keys such as name are read, with a region beside them', () => {
    const refs = findModelReferences({
      Type: 'AWS::SSM::Parameter',
      Properties: { Value: JSON.stringify({ models: [{ name: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-west-2' }], owner: 'team-a' }) },
    }, ctx);
    expect(refs.map((r) => [r.where, r.id, r.region, r.regionSource])).toEqual([
      ['Value.models[0].name', 'anthropic.claude-3-haiku-20240307-v1:0', 'us-west-2', 'json-field'],
    ]);
  });

  test('ECS container variables are read, with the container\'s Region variable', () => {
    const refs = findModelReferences({
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { ContainerDefinitions: [{ Name: 'app', Environment: [
        { Name: 'BEDROCK_REGION', Value: 'us-west-2' }, { Name: 'MODEL_ID', Value: 'amazon.nova-lite-v1:0' },
      ] }] },
    }, ctx);
    expect(refs.map((r) => [r.where, r.path.join('.'), r.region, r.regionKey])).toEqual([
      ['ContainerDefinitions[0](app).Environment.MODEL_ID', 'Properties.ContainerDefinitions.0.Environment.1.Value', 'us-west-2', 'BEDROCK_REGION'],
    ]);
  });

  test('Step Functions Bedrock tasks are read from DefinitionString pieces (Fn::Join) and from Definition', () => {
    const joined = findModelReferences({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { DefinitionString: { 'Fn::Join': ['', [
        '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:', { Ref: 'AWS::Partition' },
        ':states:::bedrock:invokeModel","Parameters":{"ModelId":"arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' },
        '::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},"End":true}}}',
      ]] } },
    }, ctx);
    expect(joined.map((r) => [r.where, r.id, r.kind, r.path.join('.')])).toEqual([
      ['DefinitionString.States.A.Parameters.ModelId', 'anthropic.claude-3-haiku-20240307-v1:0', 'foundation-model-arn', 'Properties.DefinitionString'],
    ]);
    const object = findModelReferences({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { Definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:bedrockruntime:converse',
        Parameters: { ModelId: 'anthropic.claude-3-5-sonnet-latest', 'Messages.$': '$.m' }, End: true } } } },
    }, ctx);
    expect(object.map((r) => [r.id, r.path.join('.')])).toEqual([['anthropic.claude-3-5-sonnet-latest', 'Properties.Definition.States.A.Parameters.ModelId']]);
  });

  test('a Knowledge Base context-enrichment model and prompt variants are read', () => {
    expect(findModelReferences({
      Type: 'AWS::Bedrock::DataSource',
      Properties: { VectorIngestionConfiguration: { ContextEnrichmentConfiguration: { Type: 'BEDROCK_FOUNDATION_MODEL',
        BedrockFoundationModelConfiguration: { ModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' } } } },
    }, ctx).map((r) => r.id)).toEqual(['anthropic.claude-3-haiku-20240307-v1:0']);
    expect(findModelReferences({
      Type: 'AWS::Bedrock::Prompt',
      Properties: { Variants: [{ Name: 'v', ModelId: 'amazon.nova-lite-v1:0' }, { Name: 'sm', ModelId: 'my-endpoint' }] },
    }, ctx).map((r) => [r.where, r.id])).toEqual([['Variants[0].ModelId', 'amazon.nova-lite-v1:0']]);
  });
});

describe('issue 23: the Region in an ARN', () => {
  const east = { region: 'us-east-1', now: NOW };
  test('a foundation-model ARN of another Region in a free-form value is judged where the ARN says, not reported as another Region', () => {
    const refs = findModelReferences({ Type: 'AWS::SSM::Parameter', Properties: { Value: 'arn:aws:bedrock:eu-west-2::foundation-model/amazon.nova-pro-v1:0' } }, east);
    expect(refs.map((r) => [r.region, r.regionSource])).toEqual([['eu-west-2', 'arn']]);
    expect(refs.flatMap((r) => judgeReference(r, east))).toEqual([]);
  });

  test('a Bedrock resource uses models of its own Region: another Region there is a finding', () => {
    const refs = findModelReferences({ Type: 'AWS::Bedrock::Agent', Properties: { FoundationModel: 'arn:aws:bedrock:eu-west-2::foundation-model/amazon.nova-pro-v1:0' } }, east);
    const hits = refs.flatMap((r) => judgeReference(r, east));
    expect(hits.map((h) => h.code)).toEqual(['CrossRegionArn']);
    expect(hits[0].message).toContain('is in eu-west-2, but the resource is in us-east-1');
  });
});

test('issue 23: a Region-less foundation-model ARN as a value is a RegionlessArn finding, not a grant text', () => {
  const c = { region: 'us-east-1', now: NOW };
  const hits = findModelReferences({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: {
    MODEL_ARN: 'arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0',
  } } } }, c).flatMap((r) => judgeReference(r, c));
  expect(hits.map((h) => h.code)).toEqual(['RegionlessArn']);
  expect(hits[0].message).not.toContain('statement');
});
