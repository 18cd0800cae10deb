/**
 * Shim for the Lambda Node.js runtime's response-streaming globals (`awslambda.streamifyResponse`,
 * `awslambda.HttpResponseStream.from`), installed on globalThis before a bundled handler is required.
 *
 * Mirrors the runtime: `HttpResponseStream.from(stream, prelude)` sets the content type
 * `application/vnd.awslambda.http-integration-response` and writes the JSON prelude followed by 8 NUL bytes, then
 * the body. `StreamCapture` collects what a handler wrote and splits prelude and body.
 */
import { Writable } from 'node:stream';
import * as vm from 'node:vm';

/** Bundled handlers run in the jest worker's outer realm (see bundled-handler.ts): install the shim there too. */
const realms = (): any[] => [...new Set([globalThis, vm.runInThisContext('globalThis')])];

const DELIMITER = Buffer.alloc(8);

export class StreamCapture extends Writable {
  public contentType?: string;
  private readonly chunks: Buffer[] = [];
  /**
   * Body writes (after the prelude), each with the time it reached the stream (performance.now()), for asserting
   * incremental delivery: a handler that buffers the answer writes everything at the end.
   */
  public readonly writes: { at: number; chunk: Buffer }[] = [];
  private bodyStarted = false;

  setContentType(ct: string): void { this.contentType = ct; }

  /** Called by the shim once the prelude and its delimiter are written. */
  startBody(): void { this.bodyStarted = true; }

  _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.chunks.push(b);
    if (this.bodyStarted || this.contentType !== 'application/vnd.awslambda.http-integration-response') {
      this.writes.push({ at: performance.now(), chunk: b });
    }
    cb();
  }

  /** NDJSON records with the time of the write that carried each. */
  get timedLines(): { at: number; line: any }[] {
    return this.writes.flatMap((w) => w.chunk.toString('utf8').split('\n').filter(Boolean).map((l) => ({ at: w.at, line: JSON.parse(l) })));
  }

  private split(): { prelude?: any; body: Buffer } {
    const all = Buffer.concat(this.chunks);
    if (this.contentType !== 'application/vnd.awslambda.http-integration-response') return { body: all };
    const at = all.indexOf(DELIMITER);
    if (at < 0) throw new Error('streamed response has no prelude delimiter');
    return { prelude: JSON.parse(all.subarray(0, at).toString('utf8')), body: all.subarray(at + DELIMITER.length) };
  }

  get statusCode(): number | undefined { return this.split().prelude?.statusCode; }
  get headers(): Record<string, string> | undefined { return this.split().prelude?.headers; }
  get bodyText(): string { return this.split().body.toString('utf8'); }
  /** Body split into NDJSON records. */
  get lines(): any[] { return this.bodyText.split('\n').filter(Boolean).map((l) => JSON.parse(l)); }
}

export const STREAMIFIED = Symbol.for('test.awslambda.streamified');

export function installStreamingShim(): void {
  const shim = {
    streamifyResponse(fn: (...args: any[]) => Promise<void>) {
      (fn as any)[STREAMIFIED] = true;
      return fn;
    },
    HttpResponseStream: {
      from(stream: StreamCapture, prelude: unknown) {
        stream.setContentType('application/vnd.awslambda.http-integration-response');
        stream.write(Buffer.from(JSON.stringify(prelude)));
        stream.write(DELIMITER);
        stream.startBody();
        return stream;
      },
    },
  };
  // Keep what the bundled SDK already put on the global (it creates `awslambda` for its InvokeStore).
  for (const g of realms()) g.awslambda = Object.assign(g.awslambda ?? {}, shim);
}

export function removeStreamingShim(): void {
  for (const g of realms()) delete g.awslambda;
}
