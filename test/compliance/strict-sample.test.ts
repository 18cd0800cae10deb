/**
 * The Control Tower proactive controls (cfn-guard rules of @cdklabs/cdk-validator-cfnguard) and the AwsSolutions, HIPAA
 * Security, NIST 800-53 rev5 and PCI DSS 3.2.1 packs on the default sample and on the strict sample.
 *
 * Issue 20: the strict sample (everything inside a compliance envelope) fails no Control Tower control and has no
 * unacknowledged finding; the default sample keeps its templates (no envelope, same defaults), and only the rules that
 * do not apply to the library's resources are acknowledged there, with reasons.
 */
import { CheckerResult, measure, summary } from './measure';
import { sampleApp, strictApp } from './apps';

describe('compliance of the samples', () => {
  let sample: CheckerResult[];
  let strict: CheckerResult[];
  beforeAll(() => {
    sample = measure(sampleApp());
    strict = measure(strictApp());
  }, 300_000);

  // The default sample (monitoring with its alarm topic, invocation logging and the tagged profile included).
  test('default sample: 9 failing Control Tower controls; HIPAA 17, NIST 17, PCI 14 open findings, all a choice the envelope makes', () => {
    expect(summary(sample)).toEqual({
      'ControlTower': {
        'CT.CLOUDWATCH.PR.2': 6,
        'CT.CLOUDWATCH.PR.3': 6,
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
        'HIPAA.Security-CloudWatchLogGroupEncrypted': 6,
        'HIPAA.Security-LambdaConcurrency': 3,
        'HIPAA.Security-LambdaInsideVPC': 5,
        'HIPAA.Security-S3BucketLoggingEnabled': 1,
        'HIPAA.Security-S3DefaultEncryptionKMS': 1,
        'HIPAA.Security-SNSEncryptedKMS': 1
      },
      'NIST.800.53.R5': {
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted': 6,
        'NIST.800.53.R5-LambdaConcurrency': 3,
        'NIST.800.53.R5-LambdaInsideVPC': 5,
        'NIST.800.53.R5-S3BucketLoggingEnabled': 1,
        'NIST.800.53.R5-S3DefaultEncryptionKMS': 1,
        'NIST.800.53.R5-SNSEncryptedKMS': 1
      },
      'PCI.DSS.321': {
        'PCI.DSS.321-CloudWatchLogGroupEncrypted': 6,
        'PCI.DSS.321-LambdaInsideVPC': 5,
        'PCI.DSS.321-S3BucketLoggingEnabled': 1,
        'PCI.DSS.321-S3DefaultEncryptionKMS': 1,
        'PCI.DSS.321-SNSEncryptedKMS': 1
      }
    });
    expect(sample.map((r) => [r.checker, r.rules.length, r.resourceFindings])).toEqual([
      ['ControlTower', 9, 23], ['AwsSolutions', 0, 0], ['HIPAA.Security', 6, 17], ['NIST.800.53.R5', 6, 17], ['PCI.DSS.321', 5, 14],
    ]);
  });

  test('default sample: the invokers\' LambdaConcurrency stays open (reserved concurrency is the app\'s choice)', () => {
    const hipaa = sample.find((r) => r.checker === 'HIPAA.Security')!;
    expect(hipaa.rules.find((f) => f.rule === 'HIPAA.Security-LambdaConcurrency')!.paths).toEqual([
      'BedrockFoundationSample/Ask/Function/Resource',
      'BedrockFoundationSample/Chat/Function/Resource',
      'BedrockFoundationSample/Embed/Function/Resource',
    ]);
  });

  test('strict sample: AwsSolutions stays clean', () => {
    expect(strict.find((r) => r.checker === 'AwsSolutions')!.rules).toEqual([]);
  });

  test('strict sample fails no Control Tower control', () => {
    expect(strict.find((r) => r.checker === 'ControlTower')!.rules.map((f) => `${f.rule} ${f.paths.join(', ')}`)).toEqual([]);
  });

  test('strict sample: no open finding in the HIPAA Security, NIST 800-53 rev5 and PCI DSS 3.2.1 packs', () => {
    expect(strict.filter((r) => r.checker !== 'ControlTower')
      .flatMap((r) => r.rules.map((f) => `${f.rule} ${f.paths.join(', ')}`))).toEqual([]);
  });
});
