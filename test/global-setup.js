/**
 * jest globalSetup (jest.config.js): one temporary directory for the whole test run, removed by
 * global-teardown.js. test/setup-env.ts points every worker's TMPDIR there, so what the tests and the libraries they
 * drive leave in the system temporary directory goes with the run: aws-cdk-lib gives every App without an `outdir`
 * its own `cdk.out*` directory under os.tmpdir() and never removes it (about 700 per run, half a gigabyte), and
 * the child processes the tests start (npm, cfn-lint, cfn-guard, the CLI) inherit TMPDIR too.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-bedrock-foundation-test-'));
  process.env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR = dir; // the workers start after this and inherit it
};
