/**
 * The test run's temporary files stay in one directory of its own (test/global-setup.js, removed by
 * global-teardown.js): os.tmpdir() points there in every worker, so aws-cdk-lib's default `cdk.out*` directory of an
 * App without an outdir, and the temporary files of child processes, go with the run instead of piling up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { App, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';

const runDir = process.env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR;

test('the run has its own temporary directory, and os.tmpdir() is it', () => {
  expect(runDir).toEqual(expect.stringContaining('cdk-bedrock-foundation-test-'));
  expect(fs.existsSync(runDir!)).toBe(true);
  expect(os.tmpdir()).toBe(runDir);
});

test('an App without an outdir synthesizes into it', () => {
  const app = new App();
  new ssm.StringParameter(new Stack(app, 'S'), 'P', { stringValue: 'x' });
  const assembly = app.synth();
  expect(path.dirname(assembly.directory)).toBe(runDir);
});

test('child processes inherit it', () => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())'], { encoding: 'utf8' });
  expect(r.stdout).toBe(runDir);
});

test('global teardown removes it', () => {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(runDir!), 'teardown-probe-'));
  const saved = process.env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR;
  process.env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR = dir;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../global-teardown.js')().then(() => expect(fs.existsSync(dir)).toBe(false));
  } finally {
    process.env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR = saved;
  }
});
