import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ModelCatalog } from '../../lib/catalog/catalog';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { checkTemplate } from '../../lib/nag/core/check';
import { ALL_RULES, MODEL_RULES } from '../../lib/nag/rules';

/**
 * One verdict (issue 23): every catalog ID, in each form a user writes it (the ID, its sourced profile IDs, the
 * foundation-model ARN in the stack's Region and in another Region, the Region-less ARN), in several Regions, gets the
 * same error verdict from `BedrockModel` (synth validation of a grant) and from the checks (`checkTemplate` with
 * `ALL_RULES` on the synthesized template): error or none, and the same model rules for the errors (the construct's
 * codes mapped through the rules' declared codes). Provisioned-Throughput variants (`:0:200k`) are included.
 */
const NOW = '2026-11-25';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'ca-central-1'];
const OTHER_REGION: Record<string, string> = { 'us-east-1': 'eu-west-2', 'eu-west-1': 'us-east-1', 'ap-northeast-1': 'us-west-2', 'ca-central-1': 'eu-west-1' };
const ruleOfCode = new Map<string, string>();
for (const rule of MODEL_RULES) for (const code of rule.codes) ruleOfCode.set(code, rule.name);

function formsOf(modelId: string, region: string): string[] {
  const record = ModelCatalog.default().get(modelId)!;
  const profiles = Object.values(record.inferenceProfiles?.profileIds ?? {}).filter((p): p is string => typeof p === 'string');
  return [modelId, ...profiles,
    `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    `arn:aws:bedrock:${OTHER_REGION[region]}::foundation-model/${modelId}`,
    `arn:aws:bedrock:::foundation-model/${modelId}`];
}

interface Verdict { readonly ref: string; readonly construct: string[]; readonly checks: string[] }

/** Builds one stack per Region with one role per reference, then judges each reference both ways. */
function verdictsIn(region: string): Verdict[] {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: NOW } });
  // CloudFormation allows 500 resources per stack: 200 references (a role and its policy each) per stack.
  const stacks: Stack[] = [];
  const refs: Array<{ ref: string; role: iam.Role; model: BedrockModel; stack: Stack }> = [];
  let i = 0;
  for (const m of ModelCatalog.default().all()) {
    for (const ref of formsOf(m.modelId, region)) {
      if (i % 200 === 0) stacks.push(new Stack(app, `Parity-${region}-${stacks.length}`, { env: { region, account: '123456789012' } }));
      const stack = stacks[stacks.length - 1];
      const role = new iam.Role(stack, `R${i++}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const model = BedrockModel.of(ref);
      model.grantInvoke(role);
      refs.push({ ref, role, model, stack });
    }
  }
  const assembly = app.synth({ skipValidation: true });
  const byLogicalId = new Map<string, Set<string>>();
  for (const stack of stacks) {
    const template = assembly.getStackByName(stack.stackName).template;
    const findings = checkTemplate(template, { region, account: '123456789012', now: new Date(`${NOW}T00:00:00Z`), rules: ALL_RULES });
    for (const f of findings) {
      if (f.level !== 'error') continue;
      const key = `${stack.stackName}/${f.logicalId}`;
      const set = byLogicalId.get(key) ?? new Set<string>();
      set.add(f.ruleId.replace(/^Bedrock-/, ''));
      byLogicalId.set(key, set);
    }
  }
  return refs.map(({ ref, role, model, stack }) => {
    // The construct's verdict is what its synth validation reports: the validation errors on the role ...
    // ... whose codes are the policy's error codes (a grant can add its own error, e.g. a profile whose destination
    // Regions are not sourced: counted as an error with no code).
    const validationErrors = role.node.validate();
    const codes: string[] = model.evaluate(role).filter((f) => f.level === 'error').map((f) => f.code);
    if (validationErrors.length > 0 && codes.length === 0) codes.push('GrantError');
    const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    const ids = policy ? [stack.getLogicalId(policy.node.defaultChild as iam.CfnPolicy), stack.getLogicalId(role.node.defaultChild as iam.CfnRole)] : [];
    const checks = new Set<string>();
    for (const id of ids) for (const r of byLogicalId.get(`${stack.stackName}/${id}`) ?? []) if (MODEL_RULES.some((m) => m.name === r)) checks.add(r);
    return { ref, construct: [...new Set(codes.map((c) => ruleOfCode.get(c) ?? c))].sort(), checks: [...checks].sort() };
  });
}

describe('one verdict: BedrockModel and the checks agree on every catalog reference', () => {
  test.each(REGIONS)('in %s', (region) => {
    const verdicts = verdictsIn(region);
    expect(verdicts.length).toBeGreaterThan(ModelCatalog.default().all().length * 4);
    // A grant of a profile whose geography's destination Regions are not sourced (`ca.`, `in.`) fails in the construct,
    // which must write those Regions' ARNs (custom.destinationRegions); a template already names them, so the checks
    // accept it. That is the one intended difference, and only for those prefixes.
    const grantOnly = verdicts.filter((v) => v.construct.join() === 'GrantError' && v.checks.length === 0);
    expect(grantOnly.every((v) => /^(ca|in)\./.test(v.ref))).toBe(true);
    // The verdict (error or none) must agree, and so must the rules that judge the reference itself (pinning, known
    // model). Known, documented difference in attribution (docs/checks.md): beside an end of life the checks drop the
    // Region finding of the same dead model and report a foreign-Region ARN's own end of life, while BedrockModel
    // reports the Region finding; both fail.
    const identity = (rules: readonly string[]) => rules.filter((r) => r === 'ModelIdPinned' || r === 'ModelIdKnown').join(',');
    const disagreements = verdicts.filter((v) => !grantOnly.includes(v)).filter((v) => (v.construct.length > 0) !== (v.checks.length > 0)
      || identity(v.construct) !== identity(v.checks))
      .map((v) => `${v.ref}: BedrockModel [${v.construct.join(', ')}] vs checks [${v.checks.join(', ')}]`);
    if (disagreements.length) console.log(disagreements.join('\n'));
    expect(disagreements).toEqual([]);
  });
});

describe('a third-party-only profile ID is a warning in both (ThirdPartySource)', () => {
  test('au.anthropic.claude-sonnet-5 from ap-southeast-4: a construct warning and a ModelRegionUnverified finding', () => {
    const app = new App({ context: { [NOW_CONTEXT_KEY]: NOW } });
    const stack = new Stack(app, 'ThirdParty', { env: { region: 'ap-southeast-4', account: '123456789012' } });
    const role = new iam.Role(stack, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    BedrockModel.of('au.anthropic.claude-sonnet-5').grantInvoke(role);
    expect(role.node.validate()).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('third-party source only'));
    expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringMatching(/sourceCatalog:LITELLM_E1D16F5.*AWS documents 'global\.anthropic\.claude-sonnet-5'/)]);
    const template = app.synth().getStackByName(stack.stackName).template;
    const findings = checkTemplate(template, { region: 'ap-southeast-4', account: '123456789012', now: new Date(`${NOW}T00:00:00Z`), rules: ALL_RULES });
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(findings.filter((f) => /third-party source only/.test(f.message)).map((f) => [f.ruleId, f.level]))
      .toEqual([['Bedrock-ModelRegionUnverified', 'warning']]);
  });
});
