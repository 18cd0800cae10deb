import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { main } from '../../../lib/cli/main';
import { ModelInvocationLogging } from '../../../lib/logging';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { BedrockChecks } from '../../../lib/nag';
import { checkTemplate } from '../../../lib/nag/core/check';
import type { CfnTemplateJson } from '../../../lib/nag/core/types';
import { ALL_RULES, InvocationLoggingMissing, OPT_IN_RULES } from '../../../lib/nag/rules';
import { INVOCATION_LOGGING_RESOURCE_TYPE } from '../../../lib/nag/rules/InvocationLoggingMissing';
import { FIXTURES, NOW, NOW_ISO, packViolations, testStack } from '../util';

const RULE = 'Bedrock-InvocationLoggingMissing';
const OPT_IN = ['InvocationLoggingMissing'];
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function invokerRole(stack: Stack, id = 'ChatRole'): iam.Role {
  const role = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  BedrockModel.of(HAIKU).grantInvoke(role);
  return role;
}

function violations(app: App): Array<{ ruleName: string; description: string; paths: Array<string | undefined> }> {
  return new BedrockChecks(undefined, { optInRules: OPT_IN }).validateScope(app).violations
    .filter((v) => v.ruleName === RULE)
    .map((v) => ({ ruleName: v.ruleName, description: v.description, paths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId) }));
}

describe('Bedrock-InvocationLoggingMissing: an application that invokes models turns on model invocation logging (opt-in)', () => {
  test('is opt-in: not in ALL_RULES, in OPT_IN_RULES, and the default pack does not run it', () => {
    expect(ALL_RULES.map((r) => r.id)).not.toContain(RULE);
    expect(OPT_IN_RULES.map((r) => r.id)).toContain(RULE);
    expect(InvocationLoggingMissing.application).toBe(true);
    const { app, stack } = testStack();
    invokerRole(stack);
    expect(packViolations(app, RULE)).toEqual([]);
    expect(packViolations(app, RULE, OPT_IN)).toEqual([RULE]);
  });

  test('Noncompliance 1: a role granted invoke, no logging in the application', () => {
    const { app, stack } = testStack();
    invokerRole(stack);
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].description).toMatch(/allows 'bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', but no resource of the application turns on model invocation logging in us-east-1\./);
  });

  test('Noncompliance 2: logging only in another Region: the message says where it is', () => {
    const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    const east = new Stack(app, 'East', { env: { account: '111111111111', region: 'us-east-1' } });
    const west = new Stack(app, 'West', { env: { account: '111111111111', region: 'eu-west-1' } });
    invokerRole(east);
    new ModelInvocationLogging(west, 'InvocationLogging', { cloudWatchLogs: {} });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].description).toMatch(/in us-east-1 \(it is turned on only in West \(eu-west-1\)\)\./);
  });

  test('Noncompliance 3: a function that names a model, its role imported', () => {
    const { app, stack } = testStack();
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1'),
      role: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/imported'),
      environment: { MODEL_ID: HAIKU },
    });
    const found = violations(app);
    expect(found).toHaveLength(1);
    expect(found[0].description).toMatch(new RegExp(`Environment\\.Variables\\.MODEL_ID names '${HAIKU.replace(/\./g, '\\.')}'`));
  });

  test('Compliance: ModelInvocationLogging anywhere in the application in the same Region', () => {
    const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    const workload = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const platform = new Stack(app, 'Platform', { env: { account: '111111111111', region: 'us-east-1' } });
    invokerRole(workload);
    const logging = new ModelInvocationLogging(platform, 'InvocationLogging', { cloudWatchLogs: {} });
    // The rule recognizes the construct by its resource type.
    expect(Template.fromStack(platform).findResources(INVOCATION_LOGGING_RESOURCE_TYPE)).not.toEqual({});
    expect(logging).toBeDefined();
    expect(violations(app)).toEqual([]);
  });

  test('Compliance: an application that invokes no model, and an administrator role allowing "*", need no logging', () => {
    const { app, stack } = testStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    admin.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    admin.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:ListFoundationModels'], resources: ['*'] }));
    expect(violations(app)).toEqual([]);
  });

  test('the core judges a template alone as the application when no application is given', () => {
    const template = {
      Resources: {
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }] } },
        },
      },
    };
    const run = (t: CfnTemplateJson) => checkTemplate(t, { region: 'us-east-1', now: NOW, rules: [InvocationLoggingMissing] });
    expect(run(template).map((f) => [f.logicalId, f.code])).toEqual([['Policy', 'NoInvocationLogging']]);
    expect(run({ Resources: { ...template.Resources, L: { Type: INVOCATION_LOGGING_RESOURCE_TYPE, Properties: {} } } })).toEqual([]);
    // Another template of the application that turns logging on, passed as the application, makes it compliant too.
    expect(checkTemplate(template, {
      region: 'us-east-1', now: NOW, rules: [InvocationLoggingMissing],
      application: [{ stack: 'Platform', logicalId: 'L', region: 'us-east-1', resource: { Type: INVOCATION_LOGGING_RESOURCE_TYPE } }],
    })).toEqual([]);
  });

  test('an unknown opt-in rule name fails, listing the opt-in rules', () => {
    expect(() => new BedrockChecks(undefined, { optInRules: ['InvocationLogging'] }))
      .toThrow(/'InvocationLogging' is not an opt-in rule of the Bedrock pack; the opt-in rules are InvocationLoggingMissing, ApplicationProfileUntagged, GuardrailMissing\./);
    expect(() => new BedrockChecks(undefined, { optInRules: ['InvokeWildcard'] })).toThrow(/'InvokeWildcard' is not an opt-in rule of the Bedrock pack \(it always runs\)/);
  });
});

describe('cdk-bedrock-check --opt-in', () => {
  const fixture = path.join(FIXTURES, 'InvocationLoggingMissing', 'noncompliant.json');
  function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, cwd: process.cwd() });
    return { code, stdout, stderr };
  }

  test('runs the named opt-in rules only when asked; a warning fails only with --fail-on warning', () => {
    const base = [fixture, '--format', 'json', '--now', NOW_ISO];
    const off = cli(base);
    expect(JSON.parse(off.stdout).findings.map((f: any) => f.ruleId)).not.toContain(RULE);
    const on = cli([...base, '--opt-in', 'InvocationLoggingMissing,ApplicationProfileUntagged']);
    expect(on.code).toBe(0);
    const findings = JSON.parse(on.stdout).findings.filter((f: any) => f.ruleId === RULE);
    expect(findings.map((f: any) => [f.logicalId, f.level])).toEqual([['ChatRole', 'warning']]);
    expect(cli([...base, '--opt-in', RULE, '--fail-on', 'warning']).code).toBe(1);
  });

  test('SARIF lists the opt-in rule and indexes its results to it', () => {
    const out = cli([fixture, '--format', 'sarif', '--now', NOW_ISO, '--opt-in=InvocationLoggingMissing']);
    const run = JSON.parse(out.stdout).runs[0];
    const result = run.results.find((r: any) => r.ruleId === RULE);
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe(RULE);
  });

  test('an unknown rule name is a usage error (exit 2) listing the opt-in rules; --help lists them too', () => {
    const bad = cli([fixture, '--opt-in', 'LoggingMissing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--opt-in: 'LoggingMissing' is not an opt-in rule of the Bedrock pack; the opt-in rules are InvocationLoggingMissing, ApplicationProfileUntagged, GuardrailMissing\./);
    expect(cli([fixture, '--opt-in', ',']).stderr).toMatch(/--opt-in needs rule names; write e\.g\. --opt-in InvocationLoggingMissing,ApplicationProfileUntagged,GuardrailMissing\./);
    expect(cli(['--help']).stdout).toMatch(/--opt-in <Rule,\.\.\.>.*\n\s+InvocationLoggingMissing, ApplicationProfileUntagged, GuardrailMissing/);
  });
});
