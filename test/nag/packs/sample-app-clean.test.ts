import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockChecks } from '../../../lib/nag';
import { main } from '../../../lib/cli/main';
import { SampleStack } from '../../../bin/sample-stack';
import { NOW_ISO } from '../util';

/**
 * The sample app (bin/app.ts: SampleStack in us-east-1) passes AwsSolutionsChecks and BedrockChecks with zero
 * unacknowledged errors, and every acknowledgement names a specific reason.
 */
describe('sample app', () => {
  const sampleApp = (outdir?: string) => {
    const app = new App({ outdir, context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
    return app;
  };

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Bedrock', () => new BedrockChecks()],
  ])('has zero unacknowledged errors in the %s pack', (_name, pack) => {
    const report = pack().validateScope(sampleApp());
    const errors = report.violations.filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`);
    expect(errors).toEqual([]);
  });

  test('the real app (compiled bin/app.ts) synthesizes with both packs registered, and cdk-bedrock-check passes its cdk.out', () => {
    // dist/ is built by `npm test` before jest runs. The app registers AwsSolutionsChecks and BedrockChecks as
    // validation plugins, so exit 0 also means both packs pass at synth.
    const appJs = path.join(__dirname, '..', '..', '..', 'dist', 'bin', 'app.js');
    expect(fs.existsSync(appJs)).toBe(true);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-app-out-'));
    try {
      const r = spawnSync(process.execPath, [appJs], {
        encoding: 'utf8',
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ 'cdk-bedrock-foundation:now': NOW_ISO }) },
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/Error/) });
      expect(fs.existsSync(path.join(outdir, 'BedrockFoundationSample.template.json'))).toBe(true);
      let out = '';
      const code = main([outdir, '--now', NOW_ISO], { stdout: (s) => { out += s; }, stderr: (s) => { out += s; }, cwd: outdir });
      expect({ code, out }).toEqual({ code: 0, out: expect.stringMatching(/Checked \d+ template\(s\)[\s\S]*0 error\(s\)/) });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  test('every acknowledgement names a specific reason', () => {
    const app = sampleApp();
    const acks: Array<[string, string, string]> = [];
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) acks.push([c.node.path, id, reason]);
      }
    }
    for (const [where, id, reason] of acks) {
      expect({ where, id, reasonIsSpecific: reason.length >= 40 && !/^(ok|n\/a|todo|suppress(ed)?|false positive)\.?$/i.test(reason.trim()) })
        .toEqual({ where, id, reasonIsSpecific: true });
    }
  });
});
