// The CLI runs on the rule core and the catalog only: no construct code (which would load aws-cdk-lib or constructs).
jest.mock('aws-cdk-lib', () => {
  throw new Error('aws-cdk-lib was loaded');
});
jest.mock('constructs', () => {
  throw new Error('constructs was loaded');
});

import * as path from 'path';
import { main } from '../../lib/cli/main';

describe('cdk-bedrock-check without construct libraries', () => {
  test('judges model IDs without loading aws-cdk-lib or constructs', () => {
    let out = '';
    const file = path.join(__dirname, '..', 'fixtures', 'nag', 'ModelEndOfLife', 'noncompliant.json');
    const code = main([file, '--region', 'us-east-1', '--now', '2026-11-25'], { stdout: (s) => { out += s; }, stderr: (s) => { out += s; }, cwd: process.cwd() });
    expect(code).toBe(1);
    expect(out).toContain('Bedrock-ModelEndOfLife[anthropic.claude-3-haiku-20240307-v1:0]');
  });

  test('the test itself would notice a construct library being loaded', () => {
    expect(() => require('../../lib/models/bedrock-model')).toThrow(/was loaded/);
  });
});
