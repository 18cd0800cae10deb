/**
 * lambda/shared/cfn-response.ts: the direct Lambda-backed custom-resource protocol, against a loopback ResponseURL.
 * What CloudFormation documents about the response (crpg-ref-responses.html) is cited in the module.
 */
import { LoopbackHttpServer } from '../utils/loopback-http';
import { VirtualClock } from '../utils/virtual-clock';
import type { CustomResourceEvent } from '../../lambda/shared/cfn-response';

// The module's logger is created when it loads: load it silent (the outcomes are asserted on the PUT bodies).
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
/* eslint-disable @typescript-eslint/no-require-imports */
const { setClock } = require('../../lambda/shared/clock') as typeof import('../../lambda/shared/clock');
const {
  CREATE_FAILED_PREFIX, FRAMEWORK_CREATE_FAILED, MAX_RESPONSE_BYTES, RESPONSE_DEFERRED, customResourceHandler,
} = require('../../lambda/shared/cfn-response') as typeof import('../../lambda/shared/cfn-response');

interface Put { method: string; url: string; contentType: unknown; body: string }
let server: LoopbackHttpServer;
const puts: Put[] = [];
/** HTTP statuses the endpoint answers with, in order (then 200). */
const statuses: number[] = [];
let clock: VirtualClock;

beforeAll(async () => {
  server = await LoopbackHttpServer.start((req, body, res) => {
    puts.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
    res.writeHead(statuses.shift() ?? 200);
    res.end();
  });
});
afterAll(async () => { await server.close(); });
beforeEach(() => { puts.length = 0; statuses.length = 0; clock = new VirtualClock(); setClock(clock); });
afterEach(() => { setClock(undefined); });

function event(type: 'Create' | 'Update' | 'Delete', extra: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: type, RequestId: 'a1b2c3d4-0000-4000-8000-000000000001', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
    LogicalResourceId: 'Check', ResourceType: 'Custom::Thing', ResponseURL: `${server.url}/response?sig=1`,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f' }, ...extra,
  };
}
const ctx = (ms = 60_000) => { const start = clock.now(); return { getRemainingTimeInMillis: () => ms - (clock.now() - start) }; };
const body = (i = 0) => JSON.parse(puts[i].body);

describe('customResourceHandler', () => {
  test('a result is PUT as SUCCESS with the request\'s IDs, the physical ID and Data, with an empty content type', async () => {
    const handler = customResourceHandler(async () => ({ PhysicalResourceId: 'thing-1', Data: { A: 'b' } }));
    await expect(handler(event('Create'), ctx())).resolves.toBeUndefined();
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ method: 'PUT', url: '/response?sig=1', contentType: '' });
    expect(body()).toEqual({
      Status: 'SUCCESS', PhysicalResourceId: 'thing-1', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
      RequestId: 'a1b2c3d4-0000-4000-8000-000000000001', LogicalResourceId: 'Check', Data: { A: 'b' },
    });
  });

  test('without a returned physical ID: the current one on Update, the RequestId on Create', async () => {
    const handler = customResourceHandler(async () => undefined);
    await handler(event('Update', { PhysicalResourceId: 'current' }), ctx());
    await handler(event('Create'), ctx());
    expect([body(0).PhysicalResourceId, body(1).PhysicalResourceId]).toEqual(['current', 'a1b2c3d4-0000-4000-8000-000000000001']);
  });

  test('a thrown error is FAILED with its message; a failed Create gets an ID its Delete is answered for without the handler', async () => {
    const calls: string[] = [];
    const handler = customResourceHandler(async (e: CustomResourceEvent) => { calls.push(e.RequestType); throw new Error('model X is not available in us-east-1; use us.X'); });
    await expect(handler(event('Create'), ctx())).resolves.toBeUndefined();
    expect(body(0)).toMatchObject({ Status: 'FAILED', Reason: 'model X is not available in us-east-1; use us.X',
      PhysicalResourceId: `${CREATE_FAILED_PREFIX}a1b2c3d4-0000-4000-8000-000000000001` });
    await handler(event('Delete', { PhysicalResourceId: body(0).PhysicalResourceId }), ctx());
    await handler(event('Delete', { PhysicalResourceId: FRAMEWORK_CREATE_FAILED }), ctx());
    expect(calls).toEqual(['Create']);
    expect([body(1), body(2)]).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: body(0).PhysicalResourceId }),
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: FRAMEWORK_CREATE_FAILED }),
    ]);
  });

  test('a failed Update keeps the current physical ID (a changed one would be a replacement)', async () => {
    const handler = customResourceHandler(async () => { throw new Error('no'); });
    await handler(event('Update', { PhysicalResourceId: 'current' }), ctx());
    expect(body()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'current', Reason: 'no' });
  });

  test('the body stays within 4096 bytes: a long Reason is truncated, keeping its start', async () => {
    const long = `Start of the reason. ${'x'.repeat(10_000)}`;
    const handler = customResourceHandler(async () => { throw new Error(long); });
    await handler(event('Update', { PhysicalResourceId: 'current' }), ctx());
    expect(Buffer.byteLength(puts[0].body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(body().Reason).toMatch(/^Start of the reason\. x+ \.\.\. \(truncated; the full text is in the function's log\)$/);
  });

  test('Data too large for the body makes a FAILED that names the size, within the limit', async () => {
    const handler = customResourceHandler(async () => ({ PhysicalResourceId: 'p', Data: { Big: 'y'.repeat(5000) } }));
    await handler(event('Update', { PhysicalResourceId: 'p' }), ctx());
    expect(Buffer.byteLength(puts[0].body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(body()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'p', Reason: expect.stringMatching(/response Data is 50\d\d bytes of JSON; a custom resource response must stay within 4096 bytes/) });
  });

  test('a handler still running when the function has marginMs left is answered FAILED before the Lambda timeout', async () => {
    const handler = customResourceHandler(() => new Promise(() => undefined), { marginMs: 5_000 });
    const done = handler(event('Create'), ctx(120_000));
    await new Promise((r) => setImmediate(r));
    expect(puts).toHaveLength(0);
    clock.advance(114_999);
    await new Promise((r) => setImmediate(r));
    expect(puts).toHaveLength(0);
    clock.advance(1);
    await done;
    expect(body()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^Custom::Thing Create did not finish within its Lambda function's timeout \(120 s left at the start\)/) });
  });

  test('the PUT is retried on 5xx (1 s, 2 s apart); a 4xx is not retried', async () => {
    statuses.push(500, 503);
    const handler = customResourceHandler(async () => ({ PhysicalResourceId: 'p' }));
    await handler(event('Create'), ctx());
    expect(puts).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
    puts.length = 0;
    statuses.push(403);
    await handler(event('Create'), ctx());
    expect(puts).toHaveLength(1);
  });

  test('never throws: an unreachable ResponseURL, a request that is not CloudFormation\'s', async () => {
    const handler = customResourceHandler(async () => ({ PhysicalResourceId: 'p' }));
    await expect(handler(event('Create', { ResponseURL: 'http://127.0.0.1:1/closed' }), ctx())).resolves.toBeUndefined();
    await expect(handler({} as CustomResourceEvent, ctx())).resolves.toBeUndefined();
    await expect(handler(undefined as unknown as CustomResourceEvent, ctx())).resolves.toBeUndefined();
  });

  test('a handler that defers sends nothing (a later invocation answers)', async () => {
    const handler = customResourceHandler((async () => RESPONSE_DEFERRED) as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    await handler(event('Create'), ctx());
    expect(puts).toHaveLength(0);
  });
});
