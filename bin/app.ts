#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { SampleStack } from './sample-stack';

// An explicit, account-less environment with a concrete Region: models are validated against us-east-1 at synth,
// and `npx cdk synth` needs no AWS credentials.
const app = new App();
new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
app.synth();
