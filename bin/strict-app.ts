#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockChecks } from '../lib/nag';
import { StrictStack } from './strict-stack';

// The strict sample: `npx cdk synth -a "npx tsx bin/strict-app.ts"` (no AWS credentials, no network).
// Server access logs go to the account's existing log bucket of the Region: pass its name with
// `-c cdk-bedrock-foundation:accessLogsBucket=<name>`.
const app = new App();
new StrictStack(app, 'BedrockFoundationStrict', {
  env: { region: 'us-east-1' },
  accessLogsBucketName: app.node.tryGetContext('cdk-bedrock-foundation:accessLogsBucket') ?? 'my-org-s3-access-logs-us-east-1',
});

// The same synth-time checks as the default sample. The Control Tower rules and the HIPAA Security, NIST 800-53 rev5
// and PCI DSS 3.2.1 packs run in test/compliance/strict-sample.test.ts, which lists the findings still open.
Validations.of(app).addPlugins(new AwsSolutionsChecks(), new BedrockChecks());
app.synth();
