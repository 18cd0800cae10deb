import { App } from 'aws-cdk-lib';
import { SampleStack } from '../../bin/sample-stack';
import { StrictStack } from '../../bin/strict-stack';

/** The date the app-level tests judge model lifecycle at (as the other suites do). */
export const NOW_ISO = '2026-11-25';

/** The default sample app (bin/app.ts without its synth-time plugins). */
export function sampleApp(): App {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
  return app;
}

/** The strict sample app (bin/strict-app.ts without its synth-time plugins). */
export function strictApp(): App {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  new StrictStack(app, 'BedrockFoundationStrict', { env: { region: 'us-east-1' }, accessLogsBucketName: 'my-org-s3-access-logs-us-east-1' });
  return app;
}
