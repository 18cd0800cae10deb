/**
 * A stack holding a Knowledge Base passes cdk-nag AwsSolutionsChecks with no unacknowledged finding (every
 * acknowledgement has its own reason), and aws-cdk-lib's built-in CloudFormation validation (CloudFormation Validate
 * plugin, findings made errors with the `@aws-cdk/core:validateAgainstDefaultRules` flag) reports nothing — in
 * particular no circular dependency.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KnowledgeBase, KnowledgeBaseProps, VectorStore } from '../../lib/knowledge-base';
import { BedrockModel } from '../../lib/models';
import { BedrockChecks } from '../../lib/nag';

const ENV = { account: '123456789012', region: 'us-east-1' };

/*
 * This file is about aws-cdk-lib's built-in CloudFormation validation, which the other suites turn off for speed
 * (test/setup-env.ts). aws-cdk-lib 2.276 runs it at synth unless `process.env.CDK_VALIDATION === 'false'`
 * (core/lib/private/synthesis-validation.js, defaultValidationEnabled), reading the variable on every synth: switched on
 * for this file only, and restored afterwards.
 */
let savedCdkValidation: string | undefined;
beforeAll(() => {
  savedCdkValidation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
});
afterAll(() => {
  if (savedCdkValidation === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = savedCdkValidation;
});
const STRICT = { '@aws-cdk/core:validateAgainstDefaultRules': true, 'cdk-bedrock-foundation:now': '2026-11-25' };

function appWith(props: KnowledgeBaseProps, extra?: (stack: Stack, kb: KnowledgeBase) => void) {
  const app = new App({ context: STRICT });
  const stack = new Stack(app, 'KbStack', { env: ENV });
  const kb = new KnowledgeBase(stack, 'Kb', props);
  extra?.(stack, kb);
  return { app, stack, kb };
}

function nagViolations(app: App): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations
    .filter((v) => v.severity === 'error')
    .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

function acknowledgements(app: App): Array<{ id: string; reason: string; path: string }> {
  const out: Array<{ id: string; reason: string; path: string }> = [];
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) out.push({ id, reason, path: c.node.path });
      }
    }
  }
  return out;
}

const variants: Array<[string, KnowledgeBaseProps]> = [
  ['default (S3 Vectors)', {}],
  ['OpenSearch Serverless', { vectorStore: VectorStore.openSearchServerless() }],
  ['sync on deploy, return at once', { syncOnDeploy: {} }],
  ['sync on deploy, wait for completion', { syncOnDeploy: { waitForCompletion: true } }],
];

describe('KnowledgeBase compliance', () => {
  test.each(variants)('%s: no unacknowledged AwsSolutions error', (_name, props) => {
    const { app } = appWith(props);
    expect(nagViolations(app)).toEqual([]);
  });

  test.each(variants)('%s: no finding of this library\'s own BedrockChecks pack', (_name, props) => {
    const { app } = appWith(props);
    const report = new BedrockChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  test.each(variants)('%s: CloudFormation validation finds nothing (no cycle) with findings as errors', (_name, props) => {
    const { app } = appWith(props);
    // With the flag set, any CloudFormation Validate finding throws here (the negative control below shows it does).
    const assembly = app.synth();
    const report = require(`${assembly.directory}/validation-report.json`);
    const violations = (report.pluginReports ?? []).flatMap((r: any) => r.violations ?? r.conclusion?.violations ?? []);
    expect(violations).toEqual([]);
  });

  test('the CloudFormation validation used above does catch a dependency cycle (the check can fail)', () => {
    // The KB's own ARN in its role's trust policy makes Role -> KB -> Role: what the construct avoids by using
    // arn:...:knowledge-base/* instead.
    const { app } = appWith({}, (_stack, kb) => {
      const trust = kb.role.assumeRolePolicy!;
      trust.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
        conditions: { ArnEquals: { 'aws:SourceArn': kb.knowledgeBaseArn } },
      }));
    });
    // One synth (a cyclic template takes the validation about 3 s): the error it throws, checked twice.
    let thrown: unknown;
    try { app.synth(); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/CloudFormation Validate|Circular dependency with \[KbRole/);
    expect((thrown as Error).message).toMatch(/Circular dependency with \[KbRole[0-9A-F]+ -> Kb[0-9A-F]+ -> /);
  });

  test('with a user bucket, a content deployment and a RetrieveAndGenerate grantee, still nag-clean and cycle-free', () => {
    const { app, stack } = appWith({}, () => undefined);
    const bucket = new s3.Bucket(stack, 'Docs', {
      enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsPrefix: 'access/',
    });
    const deployment = new s3deploy.BucketDeployment(stack, 'Upload', { destinationBucket: bucket, sources: [s3deploy.Source.data('a.txt', 'hello')] });
    Validations.of(deployment).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'test fixture: BucketDeployment handler' },
    );
    const kb2 = new KnowledgeBase(stack, 'Kb2', { dataSource: { bucket, inclusionPrefix: 'docs/' }, syncOnDeploy: { contentDeployments: [deployment] } });
    const user = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    kb2.grantRetrieveAndGenerate(user, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0'));
    const remaining = nagViolations(app).filter((v) => !v.includes('/Upload/') && !v.includes('/Custom::CDKBucketDeployment') && !v.includes('Docs/'));
    expect(remaining).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('a content deployment into the bucket the construct creates (addContentDeployment) is nag-clean and cycle-free', () => {
    const { app, stack, kb } = appWith({ syncOnDeploy: { waitForCompletion: true } });
    const deployment = new s3deploy.BucketDeployment(stack, 'Upload', { destinationBucket: kb.dataBucket, sources: [s3deploy.Source.data('a.txt', 'hello')] });
    kb.addContentDeployment(deployment);
    const remaining = nagViolations(app).filter((v) => !v.includes('/Upload/') && !v.includes('/Custom::CDKBucketDeployment'));
    expect(remaining).toEqual([]);
    // With findings as errors, a dependency cycle would throw here (see the negative control above).
    expect(() => app.synth()).not.toThrow();
  });

  test('every acknowledgement the constructs add carries its own specific reason', () => {
    const { app, stack } = appWith({ vectorStore: VectorStore.openSearchServerless(), syncOnDeploy: { waitForCompletion: true } });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    (stack.node.findChild('Kb') as KnowledgeBase).grantRetrieveAndGenerate(role, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0'));
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThanOrEqual(8);
    for (const a of acks) {
      expect(a.id).toMatch(/^(Annotation::)?(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/);
      expect(a.reason.length).toBeGreaterThan(60);
    }
    // No two different findings share a copy-pasted reason, except the per-function InvokeFunction grants.
    const reasons = acks.filter((a) => !a.reason.startsWith('The provider framework invokes')).map((a) => a.reason);
    expect(new Set(reasons).size).toBeGreaterThanOrEqual(6);
    expect(acks.map((a) => a.id).join('\n')).toMatch(/AwsSolutions-S1/);
    expect(acks.find((a) => /IAM5\[Resource::\*\]/.test(a.id) && a.path === 'KbStack/Caller/BedrockRetrieveAndGeneratePolicy')?.reason)
      .toMatch(/RetrieveAndGenerate has no resource type/);
  });
});
