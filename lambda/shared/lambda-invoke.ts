/**
 * An asynchronous Lambda invocation (`Invoke` with `X-Amz-Invocation-Type: Event`: Lambda API Reference, Invoke,
 * `POST /2015-03-31/functions/{FunctionName}/invocations`; "Event – Invoke the function asynchronously. Send events that
 * fail multiple times to the function's dead-letter queue ... The API response only includes a status code", 202),
 * SigV4-signed with the function's credentials from the environment. The bundles carry no @aws-sdk/client-lambda; this
 * is the one call the kb-sync handler makes to continue a wait in a fresh invocation of its own function.
 * The endpoint is `AWS_ENDPOINT_URL_LAMBDA` when set (the tests' loopback fake), else `lambda.<region>.<dns suffix>`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { clock } from './clock';
import { envString } from './env';

/** Per-attempt timeout (real socket time). */
const REQUEST_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

function endpointFor(functionArn: string, region: string): string {
  const configured = envString('AWS_ENDPOINT_URL_LAMBDA');
  if (configured) return configured;
  const partition = functionArn.split(':')[1] ?? 'aws';
  const suffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://lambda.${region}.${suffix}`;
}

function send(url: URL, method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    const req = lib.request({ protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, method, path, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: `response error: ${e.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve({ status: 0, body: `request error: ${e.message}` }));
    req.end(body);
  });
}

/**
 * Queues `payload` as an asynchronous invocation of `functionArn`. Retries throttling, 5xx and network errors
 * (1 s, 2 s apart); throws with the last answer when Lambda does not accept it.
 */
export async function invokeAsync(functionArn: string, payload: unknown): Promise<void> {
  const region = envString('AWS_REGION') ?? envString('AWS_DEFAULT_REGION');
  const accessKeyId = envString('AWS_ACCESS_KEY_ID');
  const secretAccessKey = envString('AWS_SECRET_ACCESS_KEY');
  if (!region || !accessKeyId || !secretAccessKey) {
    throw new Error('AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set to sign the Lambda Invoke request.');
  }
  const url = new URL(endpointFor(functionArn, region));
  const path = `/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`;
  const body = JSON.stringify(payload);
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const request = new HttpRequest({
      method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path,
      headers: { 'host': url.host, 'content-type': 'application/json', 'x-amz-invocation-type': 'Event', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    const signer = new SignatureV4({
      service: 'lambda', region, sha256: Sha256,
      credentials: { accessKeyId, secretAccessKey, sessionToken: envString('AWS_SESSION_TOKEN') },
    });
    const signed = await signer.sign(request);
    const res = await send(url, 'POST', path, signed.headers as Record<string, string>, body);
    if (res.status === 202) return;
    last = `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
    if (res.status !== 0 && res.status !== 429 && res.status < 500) break;
    if (attempt < ATTEMPTS) await clock().sleep(1000 * attempt);
  }
  throw new Error(`Lambda did not accept the asynchronous invocation of ${functionArn} (${last})`);
}
