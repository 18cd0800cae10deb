/**
 * Captures what a handler writes to stdout and stderr (EMF metrics and info/debug logs go to stdout; Powertools'
 * Console writes WARN and ERROR log lines to stderr) and parses CloudWatch embedded-metric-format records.
 */
export interface EmfRecord {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

import * as vm from 'node:vm';

/** Patches the outer realm's process.stdout and stderr (bundled handlers are loaded there, see bundled-handler.ts). */
export class StdoutCapture {
  private readonly lines: string[] = [];
  private originals: [NodeJS.WriteStream, typeof process.stdout.write][] = [];
  private readonly streams = [(vm.runInThisContext('globalThis') as typeof globalThis).process.stdout,
    (vm.runInThisContext('globalThis') as typeof globalThis).process.stderr];

  start(): this {
    for (const stream of this.streams) {
      this.originals.push([stream, stream.write.bind(stream)]);
      (stream as any).write = (chunk: any, ...rest: any[]) => {
        this.lines.push(...String(chunk).split('\n').filter(Boolean));
        const cb = rest.find((r) => typeof r === 'function');
        if (cb) cb();
        return true;
      };
    }
    return this;
  }

  stop(): void {
    for (const [stream, write] of this.originals) (stream as any).write = write;
    this.originals = [];
  }

  clear(): void { this.lines.length = 0; }

  /** All JSON records written. */
  records(): any[] {
    return this.lines.flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
  }

  /** EMF records only. */
  emf(): EmfRecord[] {
    return this.records().filter((r) => r && r._aws && r._aws.CloudWatchMetrics);
  }

  /** Powertools log records (have `level` and `message`). */
  logs(): any[] {
    return this.records().filter((r) => r && typeof r.level === 'string' && 'message' in r);
  }

  /** Metric names declared in the EMF records. */
  metricNames(): string[] {
    return this.emf().flatMap((r) => r._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)));
  }
}
