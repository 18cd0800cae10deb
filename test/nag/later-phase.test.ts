/**
 * Items of issue 23 that need catalog / model-ID policy changes (lib/catalog, lib/models), planned for a later phase.
 * Each todo names the behaviour its test will assert.
 */
describe('issue 23, later phase (catalog and policy)', () => {
  it.todo('item 4: anthropic.claude-v2, anthropic.claude-v2:1 and anthropic.claude-instant-v1 are Bedrock-ModelEndOfLife findings (with the sourced date, or "retired, date not sourced" and its evidence), not Bedrock-ModelRegion "Region cannot be checked"');
  it.todo('item 5: apac.anthropic.claude-haiku-4-5-20251001-v1:0 from ap-northeast-1 is accepted with a warning that names its third-party source and the AWS-authored profile for that Region (jp.anthropic.claude-haiku-4-5-20251001-v1:0), in BedrockModel and in the checks');
  it.todo('item 8: arn:aws:bedrock:eu-west-2::foundation-model/amazon.nova-pro-v1:0 in a us-east-1 stack gets the same verdict from BedrockModel.of and from the checks');
  it.todo('item 8: every catalog ID in each form (ID, profile IDs, foundation-model ARN in the stack Region and in another Region, Region-less ARN) in several Regions gets one verdict from BedrockModel and the checks');
  it.todo('re-vendored reference: a ca. inference profile called from ca-central-1 is judged against the sourced ca. geography');
});
