import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { main } from '../../lib/cli/main';

export const NOW_ISO = '2026-11-25';
export const EOL = 'anthropic.claude-3-haiku-20240307-v1:0';
export const LEGACY_PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
export const LEGACY_FM = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
export const GOOD_PROFILE = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** Temporary directories of this test file: removed after its tests (a CI machine's /tmp must not fill up). */
const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tmpDir(prefix = 'cdk-bedrock-check-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process. */
export function run(args: string[], cwd = process.cwd()): RunResult {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, cwd });
  return { code, stdout, stderr };
}

/**
 * Synthesizes a cloud assembly with:
 * - stack `Api` (us-east-1): an acknowledged end-of-life model parameter and a legacy profile parameter (warning);
 * - stage `Prod` with environment-agnostic stack `Svc`: a profile parameter (Region unknown) and nested stack `Inner`
 *   whose role allows bedrock:InvokeModel on `*` (error).
 */
export function synthSampleAssembly(outdir: string): void {
  const app = new App({ outdir });
  const api = new Stack(app, 'Api', { env: { account: '111111111111', region: 'us-east-1' } });
  const eol = new ssm.StringParameter(api, 'OldModel', { stringValue: EOL });
  Validations.of(eol).acknowledge({ id: `Bedrock-ModelEndOfLife[${EOL}]`, reason: 'removed in release 42' });
  new ssm.StringParameter(api, 'ChatModel', { stringValue: LEGACY_PROFILE });

  const stage = new Stage(app, 'Prod');
  const svc = new Stack(stage, 'Svc');
  new ssm.StringParameter(svc, 'Model', { stringValue: GOOD_PROFILE });
  const inner = new NestedStack(svc, 'Inner');
  const role = new iam.Role(inner, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
  app.synth();
}

/** A clean assembly: one stack, one pinned in-Region model. With `warnings`, an env-agnostic stack is added. */
export function synthCleanAssembly(outdir: string, warnings = false): void {
  const app = new App({ outdir });
  const s = new Stack(app, 'Clean', { env: { account: '111111111111', region: 'us-east-1' } });
  new ssm.StringParameter(s, 'Model', { stringValue: GOOD_PROFILE });
  if (warnings) new ssm.StringParameter(new Stack(app, 'Agnostic'), 'Model', { stringValue: GOOD_PROFILE });
  app.synth();
}
