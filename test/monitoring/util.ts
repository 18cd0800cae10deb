/**
 * Reads back what a synthesized template's alarms and dashboards watch, and what a handler's EMF output declares, so
 * tests can compare the two exactly (namespace, metric name, dimension names and values).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { EmfRecord } from '../utils/emf';

/** The date every test judges model lifecycle at (as test/nag/util.ts). */
export const NOW_ISO = '2026-11-25';

export function testStack(id = 'Mon'): Stack {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  return new Stack(app, id, { env: { region: 'us-east-1', account: '123456789012' } });
}

/** One metric as CloudWatch identifies it. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** Where it was found (alarm logical ID or dashboard widget title), for messages. */
  readonly where: string;
}

export function metricKey(m: Pick<MetricRef, 'namespace' | 'metricName' | 'dimensions'>): string {
  const dims = Object.keys(m.dimensions).sort().map((k) => `${k}=${m.dimensions[k]}`).join(',');
  return `${m.namespace} ${m.metricName} {${dims}}`;
}

function dims(list: Array<{ Name: string; Value: unknown }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((d) => [d.Name, String(d.Value)]));
}

/** Every metric the template's alarms watch (plain metrics and the metrics inside metric math). */
export function alarmMetrics(template: Template): MetricRef[] {
  const out: MetricRef[] = [];
  for (const [id, r] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    const p = (r as any).Properties;
    if (p.MetricName) out.push({ namespace: p.Namespace, metricName: p.MetricName, dimensions: dims(p.Dimensions), where: id });
    for (const q of p.Metrics ?? []) {
      const m = q.MetricStat?.Metric;
      if (m) out.push({ namespace: m.Namespace, metricName: m.MetricName, dimensions: dims(m.Dimensions), where: id });
    }
  }
  return out;
}

/** The dashboard body as JSON: `Fn::Join` parts that are not strings (alarm ARNs, the Region) become "TOKEN". */
export function dashboardBody(template: Template): any {
  const [r] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
  const body = r.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** Every metric the dashboard's metric widgets graph (math expressions are skipped; their metrics are listed). */
export function dashboardMetrics(template: Template): MetricRef[] {
  const out: MetricRef[] = [];
  for (const w of dashboardBody(template).widgets) {
    if (w.type !== 'metric') continue;
    for (const row of w.properties.metrics ?? []) {
      const parts = row.filter((x: unknown) => typeof x === 'string') as string[];
      if (parts.length < 2) continue; // an expression row: [{ expression, ... }]
      const [namespace, metricName, ...rest] = parts;
      const d: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) d[rest[i]] = rest[i + 1];
      out.push({ namespace, metricName, dimensions: d, where: `dashboard widget "${w.properties.title}"` });
    }
  }
  return out;
}

/** Every (namespace, metric, dimension set with values) an EMF record declares. */
export function emittedMetrics(records: EmfRecord[]): Array<Omit<MetricRef, 'where'>> {
  const out: Array<Omit<MetricRef, 'where'>> = [];
  for (const r of records) {
    for (const d of r._aws.CloudWatchMetrics) {
      for (const set of d.Dimensions) {
        for (const m of d.Metrics) {
          out.push({ namespace: d.Namespace, metricName: m.Name, dimensions: Object.fromEntries(set.map((k) => [k, String(r[k])])) });
        }
      }
    }
  }
  return out;
}
