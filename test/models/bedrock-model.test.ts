import { App, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { BedrockValidationError } from '../../lib/private/errors';

function stackIn(region?: string, now = '2026-11-25') {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: now } });
  const stack = new Stack(app, 'Stack', region ? { env: { region } } : {});
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, role };
}

function invokeStatements(stack: Stack) {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('BedrockModel', () => {
  test('of() throws at once for a string that is not a model identifier', () => {
    expect(() => BedrockModel.of('gpt-4')).toThrow(/'gpt-4' is not an Amazon Bedrock model identifier/);
  });

  test('fails synthesis with the policy message on the construct that uses the model', () => {
    const { app, role } = stackIn('us-east-1');
    BedrockModel.of('anthropic.claude-3-sonnet').grantInvoke(role);
    expect(() => app.synth()).toThrow(/'anthropic\.claude-3-sonnet' is a model family or partial ID.*'anthropic\.claude-3-sonnet-20240229-v1:0'/s);
  });

  test('fails synthesis for a model not offered in the stack Region and names the profiles that would work', () => {
    const { app, role } = stackIn('us-east-1');
    BedrockModel.of('anthropic.claude-sonnet-4-6').grantInvoke(role);
    expect(() => app.synth()).toThrow(/not offered on demand in us-east-1\. From us-east-1 use 'us\.anthropic\.claude-sonnet-4-6'/);
  });

  test('fails synthesis for an end-of-life model judged at the context date', () => {
    const { app, role } = stackIn('us-east-1', '2026-11-25');
    BedrockModel.of('anthropic.claude-3-7-sonnet-20250219-v1:0').grantInvoke(role);
    expect(() => app.synth()).toThrow(/reached end of life on 2026-07-30/);
  });

  test('the same model synthesizes before its EOL date (the context key sets the clock)', () => {
    const { app, role } = stackIn('us-east-1', '2026-06-01');
    BedrockModel.of('anthropic.claude-3-7-sonnet-20250219-v1:0').grantInvoke(role);
    expect(() => app.synth()).not.toThrow();
  });

  test('rejects a malformed context date with a clear message', () => {
    const { app, role } = stackIn('us-east-1', 'next tuesday');
    expect(() => BedrockModel.of('amazon.nova-pro-v1:0').grantInvoke(role)).toThrow(/context 'cdk-bedrock-foundation:now' is 'next tuesday', which is not an ISO date/);
    void app;
  });

  test('a legacy model synthesizes with a warning carrying its dates', () => {
    const { stack, role } = stackIn('us-east-1');
    BedrockModel.of('ai21.jamba-1-5-large-v1:0').grantInvoke(role);
    Annotations.fromStack(stack).hasWarning('/Stack/Role', Match.stringLikeRegexp('legacy since 2026-05-26.*end of life on 2026-11-26'));
  });

  test('grants InvokeModel and InvokeModelWithResponseStream on the exact foundation-model ARN', () => {
    const { stack, role } = stackIn('us-east-1');
    const grant = BedrockModel.of('amazon.nova-pro-v1:0').grantInvoke(role);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0']] },
        }],
      },
    });
  });

  test('grants a geo profile: the profile ARN, plus the model ARN in each geography Region and the stack Region under the profile condition', () => {
    const { stack, role } = stackIn('us-east-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role);
    const statements = invokeStatements(stack);
    expect(statements).toHaveLength(2);
    const profileArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:', { Ref: 'AWS::AccountId' }, ':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0']] };
    expect(statements[0]).toEqual({ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: profileArn });
    expect(statements[1].Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': profileArn } });
    const fm = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${r}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0`]] });
    expect(statements[1].Resource).toEqual(['us-east-1', 'us-east-2', 'us-west-2'].map(fm));
    expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
  });

  test('responseStream: false grants only bedrock:InvokeModel, on the same profile and model ARNs', () => {
    const { stack, role } = stackIn('us-east-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role, { responseStream: false });
    const statements = invokeStatements(stack);
    expect(statements).toHaveLength(2);
    for (const s of statements) expect(s.Action).toBe('bedrock:InvokeModel');
    expect(statements[1].Condition).toBeDefined();
    expect(statements[1].Resource).toHaveLength(3);
  });

  test('grants a global profile also on the Region-less foundation-model ARN under the condition', () => {
    const { stack, role } = stackIn('eu-west-1');
    BedrockModel.of('global.anthropic.claude-sonnet-4-6').grantInvoke(role);
    const statements = invokeStatements(stack);
    const conditioned = statements.find((s: any) => s.Condition);
    const resources = JSON.stringify(conditioned.Resource);
    expect(resources).toContain(':bedrock:::foundation-model/anthropic.claude-sonnet-4-6');
    expect(resources).toContain(':bedrock:eu-west-1::foundation-model/anthropic.claude-sonnet-4-6');
    expect(resources).toContain(':bedrock:ap-southeast-2::foundation-model/anthropic.claude-sonnet-4-6');
    expect(conditioned.Condition.StringEquals['bedrock:InferenceProfileArn']).toBeDefined();
  });

  test('accepts a us. profile from us-west-1 with a data-gap warning and grants us-west-1 too', () => {
    const { app, stack, role } = stackIn('us-west-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role);
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Stack/Role', Match.stringLikeRegexp('missing from the \'us\\.\' geography'));
    const conditioned = invokeStatements(stack).find((s: any) => s.Condition);
    expect(JSON.stringify(conditioned.Resource)).toContain(':bedrock:us-west-1::foundation-model/');
  });

  test('an env-agnostic stack gets a warning and a CloudFormation Rule asserting the Region', () => {
    const { stack, role } = stackIn(undefined);
    BedrockModel.of('amazon.titan-embed-text-v1').grantInvoke(role);
    const template = Template.fromStack(stack);
    const rules = template.toJSON().Rules;
    const ours = Object.keys(rules).filter((k) => k.startsWith('BedrockModelRegion'));
    expect(ours).toHaveLength(1);
    const rule: any = rules[ours[0]];
    expect(rule.Assertions[0].Assert).toEqual({ 'Fn::Contains': [['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1'], { Ref: 'AWS::Region' }] });
    expect(rule.Assertions[0].AssertDescription).toMatch(/offered only in us-east-1, us-west-2, eu-central-1, ap-northeast-1/);
    Annotations.fromStack(stack).hasWarning('/Stack/Role', Match.stringLikeRegexp('Region unknown'));
  });

  test('validation is attached once per construct even when granted twice', () => {
    const { app, role } = stackIn('us-east-1');
    const model = BedrockModel.of('anthropic.claude-3-sonnet');
    model.grantInvoke(role);
    model.grantInvoke(role);
    let message = '';
    try { app.synth(); } catch (e) { message = String(e); }
    expect(message.match(/is a model family or partial ID/g)).toHaveLength(1);
  });

  describe('each problem is reported once per model and stack', () => {
    /** A stack in `region` with `n` roles (Stack/Role1 ... Stack/RoleN). */
    function rolesIn(region: string | undefined, n: number) {
      const { app, stack } = stackIn(region);
      const roles = Array.from({ length: n }, (_, i) => new iam.Role(stack, `Role${i + 1}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
      return { app, stack, roles };
    }
    const synthError = (app: App) => {
      try { app.synth(); } catch (e) { return String(e); }
      return '';
    };

    test('one bad model ID used by three constructs fails synthesis with one error, naming every user', () => {
      const { app, roles } = rolesIn('us-east-1', 3);
      // three separate BedrockModel objects for the same ID count as one model
      for (const role of roles) BedrockModel.of('anthropic.claude-3-sonnet').grantInvoke(role);
      const message = synthError(app);
      expect(message.match(/is a model family or partial ID/g)).toHaveLength(1);
      expect(message).toMatch(/reported once; used by Stack\/Role1, Stack\/Role2, Stack\/Role3/);
    });

    test('a legacy model used by three constructs warns once, with the ID cdk-bedrock-foundation:Legacy', () => {
      const { stack, roles } = rolesIn('us-east-1', 3);
      const model = BedrockModel.of('ai21.jamba-1-5-large-v1:0');
      for (const role of roles) model.grantInvoke(role);
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('legacy since 2026-05-26'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].id).toBe('/Stack/Role1');
      expect(warnings[0].entry.data).toMatch(/\[ack: cdk-bedrock-foundation:Legacy\]$/);
    });

    test('an unknown Region used by three constructs fails once, and the error calls the Region unknown', () => {
      const { app, roles } = rolesIn('us-east-7', 3);
      for (const role of roles) BedrockModel.of('amazon.nova-pro-v1:0').grantInvoke(role);
      const message = synthError(app);
      expect(message.match(/'us-east-7', which is an unknown Region/g)).toHaveLength(1);
      expect(message).toMatch(/did you mean 'us-east-1'\?/);
    });

    test('the unsourced destination Regions of a profile used by three constructs fail once', () => {
      const { app, roles } = rolesIn('ap-south-1', 3);
      for (const role of roles) BedrockModel.of('in.openai.gpt-5.6-terra').grantInvoke(role);
      expect(synthError(app).match(/destination Regions of the 'in\.' geography are not sourced/g)).toHaveLength(1);
    });

    test('each stack gets its own report', () => {
      const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
      for (const name of ['A', 'B']) {
        const stack = new Stack(app, name, { env: { region: 'us-east-1' } });
        BedrockModel.of('anthropic.claude-3-sonnet').grantInvoke(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
      }
      let message = '';
      try { app.synth(); } catch (e) { message = String(e); }
      expect(message.match(/is a model family or partial ID/g)).toHaveLength(2);
      expect(message).toMatch(/A\/Role/);
      expect(message).toMatch(/B\/Role/);
      expect(message).not.toMatch(/used by/);
    });
  });

  test.each([
    ['us-east-1', 'ai21.jamba-1-5-large-v1:0', 'Legacy'],
    ['us-west-1', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'ProfileDataGap'],
    ['us-east-1', 'us.amazon.nova-premier-v1:0', 'LifecycleConflict'],
    ['an env-agnostic stack', 'amazon.titan-embed-text-v1', 'RegionUnknown'],
  ])('in %s, %s warns with the ID cdk-bedrock-foundation:%s (the policy code)', (where, id, code) => {
    const { stack, role } = stackIn(where.startsWith('an ') ? undefined : where);
    BedrockModel.of(id).grantInvoke(role);
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Role', Match.anyValue());
    expect(warnings.map((w) => /\[ack: ([^\]]+)\]$/.exec(String(w.entry.data))?.[1])).toEqual([`cdk-bedrock-foundation:${code}`]);
  });

  test('an application-inference-profile ARN needs custom.sourceModelId', () => {
    const { app, role } = stackIn('us-east-1');
    BedrockModel.of('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3').grantInvoke(role);
    expect(() => app.synth()).toThrow(/hides the model it runs.*sourceModelId/);
  });

  test('an application-inference-profile ARN with its source model grants the ARN and the model under the condition', () => {
    const { app, stack, role } = stackIn('us-east-1');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3';
    BedrockModel.of(arn, { custom: { sourceModelId: 'amazon.nova-pro-v1:0' } }).grantInvoke(role);
    expect(() => app.synth()).not.toThrow();
    const statements = invokeStatements(stack);
    expect(statements[0].Resource).toBe(arn);
    expect(statements[1].Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': arn } });
  });

  test('exposes sourced capabilities and the run-time configuration with the rate of the invocation form', () => {
    const geo = BedrockModel.of('us.anthropic.claude-sonnet-4-6');
    const global = BedrockModel.of('global.anthropic.claude-sonnet-4-6');
    expect(geo.contextWindow).toBe(200000);
    expect(geo.runtimeConfig().price).toMatchObject({ inputPer1M: 3.3, outputPer1M: 16.5, asOf: '2026-10-05' });
    expect(global.runtimeConfig().price).toMatchObject({ inputPer1M: 3, outputPer1M: 15 });
    const embed = BedrockModel.of('amazon.titan-embed-text-v2:0');
    expect(embed.isEmbeddingModel).toBe(true);
    expect(embed.embeddingDimensions).toEqual([256, 512, 1024]);
    expect(embed.defaultEmbeddingDimension).toBe(1024);
    expect(embed.runtimeConfig()).toMatchObject({ schemaVersion: 1, modelId: 'amazon.titan-embed-text-v2:0', invocationForm: 'in-region', embedding: { default: 1024 } });
  });

  test('of() throws a BedrockValidationError with code UnresolvedModelId for a token, saying to pass the literal ID', () => {
    const { stack } = stackIn('us-east-1');
    let error: unknown;
    try { BedrockModel.of(new CfnParameter(stack, 'ModelId').valueAsString); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(BedrockValidationError);
    expect(error).toMatchObject({ code: 'UnresolvedModelId' });
    expect(String(error)).toMatch(/the model ID is an unresolved token; pass the literal model ID/);
  });

  test('of() throws a BedrockValidationError with code Syntax for a string that is not a model identifier', () => {
    expect(() => BedrockModel.of('gpt-4')).toThrow(expect.objectContaining({ code: 'Syntax', name: 'ModelIdSyntaxError' }));
  });

  test('of() with leading white space says to remove it and gives the trimmed ID', () => {
    expect(() => BedrockModel.of(' anthropic.claude-sonnet-4-6')).toThrow(/leading or trailing white space; remove it and write 'anthropic\.claude-sonnet-4-6'/);
  });

  test('fails synthesis for a geo profile whose source Regions are not sourced (no silent grant for a retired model)', () => {
    const { app, role } = stackIn('us-east-1');
    BedrockModel.of('us.anthropic.claude-3-opus-20240229-v1:0').grantInvoke(role);
    expect(() => app.synth()).toThrow(/no sourced geographic-profile source Regions for 'anthropic\.claude-3-opus-20240229-v1:0'.*custom: \{ regions: \['us-east-1'\] \}/);
  });

  test('an env-agnostic stack with a model offered on demand nowhere fails synthesis, names the profiles and adds no Rule', () => {
    const { app, stack, role } = stackIn(undefined);
    BedrockModel.of('anthropic.claude-opus-4-5-20251101-v1:0').grantInvoke(role);
    expect(() => app.synth()).toThrow(/not offered on demand in any Region.*'us\.anthropic\.claude-opus-4-5-20251101-v1:0'/);
    expect(stack.node.children.some((c) => c.node.id.startsWith('BedrockModelRegion'))).toBe(false);
  });

  test('a us. profile from us-west-1 (sourced geo source Region, in no geography list, a us- Region) synthesizes with a ProfileDataGap warning', () => {
    const { app, stack, role } = stackIn('us-west-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role);
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Stack/Role', Match.stringLikeRegexp('us-west-1 is a sourced geographic source Region'));
  });

  test('a us. profile from ca-central-1 (which of the model\'s geo profiles serves it is not sourced) fails synthesis unless declared', () => {
    const { app, role } = stackIn('ca-central-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role);
    expect(() => app.synth()).toThrow(/cannot tell whether the 'us\.' profile serves ca-central-1/);
    const declared = stackIn('ca-central-1');
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0', { custom: { regions: ['ca-central-1'] } }).grantInvoke(declared.role);
    expect(() => declared.app.synth()).not.toThrow();
  });

  describe('in. profiles (destination Regions not sourced)', () => {
    test('fails synthesis instead of granting *, saying what to declare', () => {
      const { app, stack, role } = stackIn('ap-south-1');
      const model = BedrockModel.of('in.openai.gpt-5.6-terra');
      model.grantInvoke(role);
      model.grantInvoke(role);
      const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
      const granted = JSON.stringify(stack.resolve(policy.document.toJSON()));
      expect(granted).toContain('inference-profile/in.openai.gpt-5.6-terra');
      expect(granted).not.toMatch(/bedrock:\*:|"\*"/);
      let message = '';
      try { app.synth(); } catch (e) { message = String(e); }
      expect(message).toMatch(/destination Regions of the 'in\.' geography are not sourced.*destinationRegions: \['<region>', \.\.\.\]/);
      expect(message.match(/destination Regions of the 'in\.' geography/g)).toHaveLength(1);
    });

    test('grants the declared destination Regions only, under the profile condition', () => {
      const { app, stack, role } = stackIn('ap-south-1');
      BedrockModel.of('in.openai.gpt-5.6-terra', { custom: { destinationRegions: ['ap-south-1', 'ap-south-2'] } }).grantInvoke(role);
      expect(() => app.synth()).not.toThrow();
      const conditioned = invokeStatements(stack).find((s: any) => s.Condition);
      const fm = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${r}::foundation-model/openai.gpt-5.6-terra`]] });
      expect(conditioned.Resource).toEqual([fm('ap-south-1'), fm('ap-south-2')]);
    });
  });

  describe('application inference profiles', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3';

    test('over a system profile: the application profile, the system profile and the model in the profile geography', () => {
      const { app, stack, role } = stackIn('us-east-1');
      const model = BedrockModel.of(arn, { custom: { sourceModelId: 'us.anthropic.claude-sonnet-4-6' } });
      expect(model.foundationModelId).toBe('anthropic.claude-sonnet-4-6');
      model.grantInvoke(role);
      expect(() => app.synth()).not.toThrow();
      const statements = invokeStatements(stack);
      const systemArn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6';
      expect(statements[0].Resource).toEqual([arn, systemArn]);
      expect(statements[1].Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': [arn, systemArn] } });
      const fm = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-6`]] });
      expect(statements[1].Resource).toEqual(['us-east-1', 'us-east-2', 'us-west-2'].map(fm));
      expect(JSON.stringify(statements)).not.toMatch(/foundation-model\/us\./);
      expect(model.runtimeConfig().price).toMatchObject({ inputPer1M: 3.3 });
    });

    test('over a foundation model: the model in the application profile Region (not the stack Region)', () => {
      const { stack, role } = stackIn('us-east-1');
      const tokyo = 'arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/a1b2c3';
      BedrockModel.of(tokyo, { custom: { sourceModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0' } }).grantInvoke(role);
      const statements = invokeStatements(stack);
      expect(statements[0].Resource).toBe(tokyo);
      expect(statements[1].Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:ap-northeast-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0']] });
      expect(statements[1].Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': tokyo } });
    });
  });

  describe('the model of an application inference profile created in this app (_ofApplicationProfile)', () => {
    function profileModel(stack: Stack, source: BedrockModel) {
      const owner = new Construct(stack, 'Profile');
      return BedrockModel._ofApplicationProfile({ profileArn: Lazy.string({ produce: () => 'arn:aws:bedrock:ap-south-1:123456789012:application-inference-profile/p1' }), profileId: 'p1', source, owner });
    }

    test('an in. source without declared destinations fails synthesis, saying to declare them on the source model', () => {
      const { app, stack, role } = stackIn('ap-south-1');
      profileModel(stack, BedrockModel.of('in.openai.gpt-5.6-terra')).grantInvoke(role);
      expect(() => app.synth()).toThrow(/so the grant for the application inference profile over 'in\.openai\.gpt-5\.6-terra' cannot name.*BedrockModel\.of\('in\.openai\.gpt-5\.6-terra', \{ custom: \{ destinationRegions: \['<region>', \.\.\.\] \} \}\)/);
    });

    test('an in. source with declared destinations grants them under the condition naming both profiles', () => {
      const { app, stack, role } = stackIn('ap-south-1');
      profileModel(stack, BedrockModel.of('in.openai.gpt-5.6-terra', { custom: { destinationRegions: ['ap-south-1', 'ap-south-2'] } })).grantInvoke(role);
      expect(() => app.synth()).not.toThrow();
      const [profiles, models] = invokeStatements(stack);
      const arn = 'arn:aws:bedrock:ap-south-1:123456789012:application-inference-profile/p1';
      const system = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:ap-south-1:', { Ref: 'AWS::AccountId' }, ':inference-profile/in.openai.gpt-5.6-terra']] };
      expect(profiles.Resource).toEqual([arn, system]);
      const fm = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${r}::foundation-model/openai.gpt-5.6-terra`]] });
      expect(models.Resource).toEqual([fm('ap-south-1'), fm('ap-south-2')]);
      expect(models.Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': [arn, system] } });
    });

    test('a foundation-model source declared custom.regions still routes to the profile Region only', () => {
      const { stack, role } = stackIn('us-east-1');
      const source = BedrockModel.of('amazon.nova-pro-v1:0', { custom: { regions: ['us-east-1', 'us-west-2'] } });
      profileModel(stack, source).grantInvoke(role);
      const fm = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${r}::foundation-model/amazon.nova-pro-v1:0`]] });
      expect(invokeStatements(stack)[1].Resource).toEqual(fm('us-east-1'));
    });

    test('validation is the source model\'s: the same message, no HiddenModel', () => {
      const { app, stack, role } = stackIn('us-east-1');
      profileModel(stack, BedrockModel.of('anthropic.claude-sonnet-4-6')).grantInvoke(role);
      expect(() => app.synth()).toThrow(/\[Stack\/Role\] Model ID 'anthropic\.claude-sonnet-4-6' is not offered on demand in us-east-1/);
      const ok = stackIn('us-east-1');
      profileModel(ok.stack, BedrockModel.of('us.anthropic.claude-sonnet-4-6')).grantInvoke(ok.role);
      expect(Annotations.fromStack(ok.stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(ok.stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  test('fails synthesis for a Region-less foundation-model ARN, which on-demand calls would not match', () => {
    const { app, role } = stackIn('us-east-1');
    BedrockModel.of('arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0').grantInvoke(role);
    expect(() => app.synth()).toThrow(/foundation-model ARN without a Region.*write the model ID 'amazon\.nova-pro-v1:0'/);
  });
});
