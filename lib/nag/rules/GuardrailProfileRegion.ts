import { guardrailProfileFacts, guardrailProfileRegionProblem } from '../../catalog/guardrail-facts';
import { evaluateStrings, hasUnknown } from '../core/intrinsics';
import { defineResourceRule } from '../core/model-rule';

const PROFILE_ARN = /^arn:([^:]+):bedrock:([^:]*):([^:]*):guardrail-profile\/(.+)$/;

/**
 * Bedrock-GuardrailProfileRegion: an AWS::Bedrock::Guardrail's cross-Region guardrail profile
 * (`CrossRegionConfig.GuardrailProfileArn`) cannot be called from the stack's Region, per the sourced table of
 * documented profiles (lib/catalog/guardrail-facts.ts). Same data and message as the Guardrail construct's synth error.
 */
export default defineResourceRule({
  name: 'GuardrailProfileRegion',
  level: 'error',
  info: "A guardrail's cross-Region guardrail profile cannot be called from the stack's Region.",
  explanation: 'A guardrail profile can only be used from its source Regions (Bedrock user guide, "Supported Regions for '
    + 'cross-Region guardrail inference"); creating or calling the guardrail elsewhere fails. Use the profile of the '
    + "Region's geography (the message lists the documented ones), or deploy the guardrail to a source Region of the profile.",
  check(resource, ctx) {
    if (resource.Type !== 'AWS::Bedrock::Guardrail') return [];
    const arnValue = (resource.Properties?.CrossRegionConfig as { GuardrailProfileArn?: unknown } | undefined)?.GuardrailProfileArn;
    if (arnValue === undefined) return [];
    const problems: Array<{ message: string; code: string }> = [];
    for (const arn of evaluateStrings(arnValue, ctx)) {
      const m = PROFILE_ARN.exec(arn);
      if (!m) continue;
      const [, partition, arnRegion, account, profileId] = m;
      const region = ctx.region ?? (hasUnknown(arnRegion) || arnRegion === '' ? undefined : arnRegion);
      const facts = guardrailProfileFacts(profileId);
      if (!region || !facts) continue; // not judged: no Region, or a profile without sourced Regions
      const problem = guardrailProfileRegionProblem({ profileId, sourceRegions: Object.keys(facts.destinationsBySource), sourced: true }, region,
        (p) => `GuardrailProfileArn 'arn:${partition}:bedrock:${region}:${hasUnknown(account) ? '<account>' : account}:guardrail-profile/${p.profileId}'`);
      if (problem) problems.push({ code: 'ProfileGeography', message: problem });
    }
    return problems;
  },
});
