// The CLI must work without the optional peer dependency cdk-nag.
jest.mock('cdk-nag', () => {
  throw new Error('cdk-nag was loaded');
});

import * as path from 'path';
import { main } from '../../lib/cli/main';

describe('cdk-bedrock-check without cdk-nag', () => {
  test('runs the rules without loading cdk-nag', () => {
    let out = '';
    const file = path.join(__dirname, '..', 'fixtures', 'nag', 'InvokeWildcard', 'noncompliant-star.json');
    const code = main([file, '--region', 'us-east-1', '--now', '2026-11-25'], { stdout: (s) => { out += s; }, stderr: () => undefined, cwd: process.cwd() });
    expect(code).toBe(1);
    expect(out).toContain('Bedrock-InvokeWildcard');
  });

  test('the pack entry point does need cdk-nag (it is the only one)', () => {
    expect(() => require('../../lib/nag')).toThrow(/cdk-nag was loaded/);
  });
});
