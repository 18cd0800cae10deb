/**
 * The larger app's extra constructs (model invocation logging, monitoring, an OpenSearch Serverless Knowledge Base that
 * syncs on deploy and waits) inside the strict sample's envelope. What stays open is the invocation-logging bucket's
 * encryption and Object Lock, which docs/compliance.md lists as what the user adds (their own bucket as `s3.bucket`).
 */
import { CheckerResult, measure, summary } from './measure';
import { strictLargeApp } from './apps';

const LOGGING_BUCKET = 'BedrockFoundationStrictLarge/InvocationLogging/Bucket/Resource';

describe('every construct inside the strict envelope', () => {
  let results: CheckerResult[];
  beforeAll(() => { results = measure(strictLargeApp()); }, 300_000);

  test('only the invocation-logging bucket\'s KMS encryption and Object Lock stay open', () => {
    expect(summary(results)).toEqual({
      'ControlTower': { 'CT.S3.PR.10': 1, 'CT.S3.PR.9': 1 },
      'AwsSolutions': {},
      'HIPAA.Security': { 'HIPAA.Security-S3DefaultEncryptionKMS': 1 },
      'NIST.800.53.R5': { 'NIST.800.53.R5-S3DefaultEncryptionKMS': 1 },
      'PCI.DSS.321': { 'PCI.DSS.321-S3DefaultEncryptionKMS': 1 },
    });
    expect([...new Set(results.flatMap((r) => r.rules.flatMap((f) => f.paths)))]).toEqual([LOGGING_BUCKET]);
  });
});
