import { isRegionKey, regionField, RegionVariables } from '../../../lib/nag/core/call-region';
import { NOW } from '../util';

const ctx = { region: 'eu-west-1', now: NOW };

describe('Region-named JSON fields', () => {
  test.each(['region', 'Region', 'region_name', 'regionName', 'awsRegion', 'aws_region', 'bedrockRegion', 'bedrock-region', 'modelRegion', 'llm_region'])(
    '%s names the Region of the model IDs beside it', (key) => {
      expect(isRegionKey(key)).toBe(true);
    });

  test.each(['regions', 'tableRegion', 'region2', 'homeRegion', 'destinationRegion'])('%s does not', (key) => {
    expect(isRegionKey(key)).toBe(false);
  });

  test('only a Region name counts as its value', () => {
    expect(regionField({ modelId: 'x', region: 'us-east-1' })).toEqual({ region: 'us-east-1', key: 'region' });
    expect(regionField({ modelId: 'x', region: 'Tokyo' })).toBeUndefined();
    expect(regionField({ modelId: 'x', region: 42 })).toBeUndefined();
  });
});

describe('Region-named environment variables', () => {
  test.each([
    ['MODEL_REGION'], ['BEDROCK_REGION'], ['AWS_BEDROCK_REGION'], ['BEDROCK_RUNTIME_REGION'], ['LLM_REGION_NAME'], ['bedrock_region'],
  ])('%s names the Region of every model of the function', (name) => {
    const v = new RegionVariables({ [name]: 'us-east-1', MODEL_ID: 'm', OTHER_MODEL: 'n' }, ctx);
    expect(v.regionFor('MODEL_ID')).toEqual({ region: 'us-east-1', key: name });
    expect(v.regionFor('OTHER_MODEL')).toEqual({ region: 'us-east-1', key: name });
  });

  test.each([['REGION'], ['AWS_REGION'], ['TABLE_REGION'], ['S3_BUCKET_REGION']])('%s does not (it may be any service\'s Region)', (name) => {
    expect(new RegionVariables({ [name]: 'us-east-1' }, ctx).regionFor('MODEL_ID')).toBeUndefined();
  });

  test('<P>_REGION names the Region of the model variable <P>, <P>_ID, <P>_MODEL_ID ... only, and wins over a function-wide one', () => {
    const v = new RegionVariables({ BEDROCK_REGION: 'us-east-1', CHAT_MODEL_REGION: 'ap-northeast-1', EMBED_REGION: 'us-west-2' }, ctx);
    expect(v.regionFor('CHAT_MODEL_ID')).toEqual({ region: 'ap-northeast-1', key: 'CHAT_MODEL_REGION' });
    expect(v.regionFor('CHAT_MODEL')).toEqual({ region: 'ap-northeast-1', key: 'CHAT_MODEL_REGION' });
    expect(v.regionFor('EMBED_MODEL_ID')).toEqual({ region: 'us-west-2', key: 'EMBED_REGION' });
    expect(v.regionFor('SUMMARY_MODEL_ID')).toEqual({ region: 'us-east-1', key: 'BEDROCK_REGION' });
  });

  test('function-wide variables that disagree name no Region; values that are not Region names are ignored', () => {
    expect(new RegionVariables({ BEDROCK_REGION: 'us-east-1', LLM_REGION: 'us-west-2' }, ctx).regionFor('SUMMARY_MODEL_ID')).toBeUndefined();
    expect(new RegionVariables({ BEDROCK_REGION: 'default' }, ctx).regionFor('MODEL_ID')).toBeUndefined();
  });

  test('values are evaluated (a Ref to AWS::Region is the stack Region)', () => {
    expect(new RegionVariables({ BEDROCK_REGION: { Ref: 'AWS::Region' } }, ctx).regionFor('MODEL_ID')).toEqual({ region: 'eu-west-1', key: 'BEDROCK_REGION' });
  });
});
