#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockChecks } from '../lib/nag';
import { SampleStack } from './sample-stack';

// An explicit, account-less environment with a concrete Region: models are validated against us-east-1 at synth,
// and `npx cdk synth` needs no AWS credentials.
const app = new App();
new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });

// CI policy checks run at synth: any unacknowledged error fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(), new BedrockChecks());
app.synth();
