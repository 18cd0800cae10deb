#!/usr/bin/env node
/**
 * cdk-bedrock-check: checks a CDK cloud assembly (cdk.out) or CloudFormation templates with the Amazon Bedrock rules
 * of cdk-bedrock-foundation. Run `cdk-bedrock-check --help` for usage. Does not need cdk-nag.
 */
import { main } from '../lib/cli/main';

process.exitCode = main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
});
