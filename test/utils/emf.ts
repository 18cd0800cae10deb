/**
 * Captures what a handler writes to stdout (Powertools logger and EMF metrics go there through their own
 * `Console` on process.stdout) and parses CloudWatch embedded-metric-format records.
 */
export interface EmfRecord {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

import * as vm from 'node:vm';

/** Patches the outer realm's process.stdout (bundled handlers are loaded there, see bundled-handler.ts). */
export class StdoutCapture {
  private readonly lines: string[] = [];
  private original?: typeof process.stdout.write;
  private readonly stdout = (vm.runInThisContext('globalThis') as typeof globalThis).process.stdout;

  start(): this {
    const stdout = this.stdout;
    this.original = stdout.write.bind(stdout);
    (stdout as any).write = (chunk: any, ...rest: any[]) => {
      this.lines.push(...String(chunk).split('\n').filter(Boolean));
      const cb = rest.find((r) => typeof r === 'function');
      if (cb) cb();
      return true;
    };
    return this;
  }

  stop(): void {
    if (this.original) (this.stdout as any).write = this.original;
    this.original = undefined;
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
