/**
 * The Control Tower proactive controls (cfn-guard rules of @cdklabs/cdk-validator-cfnguard) and the AwsSolutions, HIPAA
 * Security, NIST 800-53 rev5 and PCI DSS 3.2.1 packs on the default sample and on the strict sample.
 *
 * Issue 20 is done when the strict sample has no failing Control Tower control and no unacknowledged finding on
 * library-owned resources. Until the constructs apply the envelope (phase 2), the strict sample's open findings are
 * asserted exactly as they are, so any change shows here; the zero targets are `test.failing` tests, which pass while
 * the target is not met and fail (asking to drop `.failing`) once it is.
 */
import { CheckerResult, measure, summary } from './measure';
import { sampleApp, strictApp } from './apps';

/** Resources the strict sample itself creates (not the library): its key, VPC, flow logs and security group. */
const SAMPLE_OWNED = /^BedrockFoundationStrict\/(Key|Vpc|FlowLogs|Functions)\//;

function libraryOwned(results: CheckerResult[]): Record<string, Record<string, number>> {
  return summary(results.map((r) => ({ ...r, rules: r.rules
    .map((f) => ({ ...f, paths: f.paths.filter((p) => !SAMPLE_OWNED.test(p)) }))
    .filter((f) => f.paths.length > 0) })));
}

function sampleOwned(results: CheckerResult[]): string[] {
  return results.flatMap((r) => r.rules.flatMap((f) => f.paths.filter((p) => SAMPLE_OWNED.test(p)).map((p) => `${f.rule} ${p}`))).sort();
}

describe('compliance of the samples', () => {
  let sample: CheckerResult[];
  let strict: CheckerResult[];
  beforeAll(() => {
    sample = measure(sampleApp());
    strict = measure(strictApp());
  }, 300_000);

  test('default sample, the before counts: 9 failing Control Tower controls; HIPAA 30, NIST 30, PCI 20 open findings', () => {
    expect(summary(sample)).toEqual({
      'ControlTower': {
        'CT.CLOUDWATCH.PR.2': 5,
        'CT.CLOUDWATCH.PR.3': 5,
        'CT.LAMBDA.PR.3': 5,
        'CT.S3.PR.10': 1,
        'CT.S3.PR.2': 1,
        'CT.S3.PR.3': 1,
        'CT.S3.PR.4': 1,
        'CT.S3.PR.6': 1,
        'CT.S3.PR.9': 1
      },
      'AwsSolutions': {},
      'HIPAA.Security': {
        'HIPAA.Security-CloudWatchLogGroupEncrypted': 5,
        'HIPAA.Security-IAMNoInlinePolicy': 7,
        'HIPAA.Security-LambdaConcurrency': 5,
        'HIPAA.Security-LambdaDLQ': 5,
        'HIPAA.Security-LambdaInsideVPC': 5,
        'HIPAA.Security-S3BucketLoggingEnabled': 1,
        'HIPAA.Security-S3BucketReplicationEnabled': 1,
        'HIPAA.Security-S3DefaultEncryptionKMS': 1
      },
      'NIST.800.53.R5': {
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted': 5,
        'NIST.800.53.R5-IAMNoInlinePolicy': 7,
        'NIST.800.53.R5-LambdaConcurrency': 5,
        'NIST.800.53.R5-LambdaDLQ': 5,
        'NIST.800.53.R5-LambdaInsideVPC': 5,
        'NIST.800.53.R5-S3BucketLoggingEnabled': 1,
        'NIST.800.53.R5-S3BucketReplicationEnabled': 1,
        'NIST.800.53.R5-S3DefaultEncryptionKMS': 1
      },
      'PCI.DSS.321': {
        'PCI.DSS.321-CloudWatchLogGroupEncrypted': 5,
        'PCI.DSS.321-IAMNoInlinePolicy': 7,
        'PCI.DSS.321-LambdaInsideVPC': 5,
        'PCI.DSS.321-S3BucketLoggingEnabled': 1,
        'PCI.DSS.321-S3BucketReplicationEnabled': 1,
        'PCI.DSS.321-S3DefaultEncryptionKMS': 1
      }
    });
    expect(sample.map((r) => [r.checker, r.rules.length, r.resourceFindings])).toEqual([
      ['ControlTower', 9, 21], ['AwsSolutions', 0, 0], ['HIPAA.Security', 8, 30], ['NIST.800.53.R5', 8, 30], ['PCI.DSS.321', 6, 20],
    ]);
  });

  test('strict sample: AwsSolutions stays clean', () => {
    expect(strict.find((r) => r.checker === 'AwsSolutions')!.rules).toEqual([]);
  });

  test('strict sample: the findings still open on library-owned resources, exactly (phase 2 brings every count to 0)', () => {
    expect(libraryOwned(strict)).toEqual({
      'ControlTower': {
        'CT.CLOUDWATCH.PR.2': 5,
        'CT.CLOUDWATCH.PR.3': 5,
        'CT.LAMBDA.PR.3': 5,
        'CT.S3.PR.10': 1,
        'CT.S3.PR.2': 1,
        'CT.S3.PR.3': 1,
        'CT.S3.PR.4': 1,
        'CT.S3.PR.6': 1,
        'CT.S3.PR.9': 1
      },
      'AwsSolutions': {},
      'HIPAA.Security': {
        'HIPAA.Security-CloudWatchLogGroupEncrypted': 5,
        'HIPAA.Security-IAMNoInlinePolicy': 7,
        'HIPAA.Security-LambdaConcurrency': 5,
        'HIPAA.Security-LambdaDLQ': 5,
        'HIPAA.Security-LambdaInsideVPC': 5,
        'HIPAA.Security-S3BucketLoggingEnabled': 1,
        'HIPAA.Security-S3BucketReplicationEnabled': 1,
        'HIPAA.Security-S3DefaultEncryptionKMS': 1
      },
      'NIST.800.53.R5': {
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted': 5,
        'NIST.800.53.R5-IAMNoInlinePolicy': 7,
        'NIST.800.53.R5-LambdaConcurrency': 5,
        'NIST.800.53.R5-LambdaDLQ': 5,
        'NIST.800.53.R5-LambdaInsideVPC': 5,
        'NIST.800.53.R5-S3BucketLoggingEnabled': 1,
        'NIST.800.53.R5-S3BucketReplicationEnabled': 1,
        'NIST.800.53.R5-S3DefaultEncryptionKMS': 1
      },
      'PCI.DSS.321': {
        'PCI.DSS.321-CloudWatchLogGroupEncrypted': 5,
        'PCI.DSS.321-IAMNoInlinePolicy': 7,
        'PCI.DSS.321-LambdaInsideVPC': 5,
        'PCI.DSS.321-S3BucketLoggingEnabled': 1,
        'PCI.DSS.321-S3BucketReplicationEnabled': 1,
        'PCI.DSS.321-S3DefaultEncryptionKMS': 1
      }
    });
  });

  test('strict sample: the findings on the sample\'s own resources (the flow-log role\'s default policy)', () => {
    expect(sampleOwned(strict)).toEqual([
      'HIPAA.Security-IAMNoInlinePolicy BedrockFoundationStrict/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource',
      'NIST.800.53.R5-IAMNoInlinePolicy BedrockFoundationStrict/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource',
      'PCI.DSS.321-IAMNoInlinePolicy BedrockFoundationStrict/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource',
    ]);
  });

  // The targets of issue 20. `test.failing`: these pass while the strict sample still has findings and fail once it has
  // none; then drop `.failing` and the exact-count test above.
  test.failing('target: the strict sample fails no Control Tower control', () => {
    expect(strict.find((r) => r.checker === 'ControlTower')!.rules.map((f) => f.rule)).toEqual([]);
  });

  test.failing('target: no open finding in the HIPAA Security, NIST 800-53 rev5 and PCI DSS 3.2.1 packs', () => {
    expect(strict.filter((r) => r.checker !== 'ControlTower').flatMap((r) => r.rules.map((f) => f.rule))).toEqual([]);
  });
});
