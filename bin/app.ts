#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockChecks } from '../lib/nag';
import { SampleStack } from './sample-stack';
import { StrictStack } from './strict-stack';

// An explicit, account-less environment with a concrete Region: models are validated against us-east-1 at synth,
// and `npx cdk synth` needs no AWS credentials.
const app = new App();
new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
// The same application inside a compliance envelope (docs/compliance.md): keys, VPC, retention, concurrency. Server
// access logs go to the account's existing log bucket: `-c cdk-bedrock-foundation:accessLogsBucket=<name>`.
new StrictStack(app, 'BedrockFoundationStrict', {
  env: { region: 'us-east-1' },
  accessLogsBucketName: app.node.tryGetContext('cdk-bedrock-foundation:accessLogsBucket') ?? 'my-org-s3-access-logs-us-east-1',
});

// CI policy checks run at synth: any unacknowledged error fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(), new BedrockChecks());
app.synth();
