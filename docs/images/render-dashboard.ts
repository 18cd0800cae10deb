/**
 * Renders the widget grid of a BedrockMonitoring dashboard (as synthesized for an app like the sample app) to
 * docs/images/dashboard.svg, and to dashboard.png with ImageMagick's `convert` (/usr/bin/convert when present). The picture is made
 * from the synthesized DashboardBody itself (positions, sizes, titles, metric labels), so it shows the real layout.
 *
 *   npx tsx docs/images/render-dashboard.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockModel, BedrockMonitoring, EmbeddingInvoker, KnowledgeBase, ModelInvoker, RagInvoker } from '../../lib';

function sampleDashboard(): any {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'Sample', { env: { region: 'us-east-1', account: '123456789012' } });
  const chatModel = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
  const chat = new ModelInvoker(stack, 'Chat', { model: chatModel });
  const embed = new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Docs', { knowledgeBaseId: 'KB12345678' });
  new RagInvoker(stack, 'Ask', { knowledgeBase: kb, model: chatModel });
  new BedrockMonitoring(stack, 'Monitoring', {
    monthlyBudgetUsd: 300,
    traffic: [
      { invoker: chat, requestsPerDay: 2000, inputTokensPerRequest: 1500, outputTokensPerRequest: 400 },
      { invoker: embed, requestsPerDay: 20000, inputTokensPerRequest: 300 },
    ],
  });
  const [r] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')) as any[];
  const body = r.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

const COL = 46; // px per grid column (24 columns)
const ROW = 22; // px per grid row
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string, px: number) => (s.length * 6.2 > px ? `${s.slice(0, Math.max(3, Math.floor(px / 6.2) - 1))}…` : s);

function render(widgets: any[]): string {
  const height = Math.max(...widgets.map((w) => w.y + w.height)) * ROW + 16;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${24 * COL + 16}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#f2f3f3"/>`];
  for (const w of widgets) {
    const x = 8 + w.x * COL; const y = 8 + w.y * ROW; const wd = w.width * COL - 6; const ht = w.height * ROW - 6;
    const fill = w.type === 'text' ? '#ffffff' : w.type === 'alarm' ? '#fdf3e6' : '#ffffff';
    out.push(`<rect x="${x}" y="${y}" width="${wd}" height="${ht}" rx="3" fill="${fill}" stroke="#aab7b8"/>`);
    const lines: Array<[string, string]> = [];
    if (w.type === 'text') {
      for (const l of String(w.properties.markdown).split('\n').filter(Boolean)) {
        const bold = /^#/.test(l);
        lines.push([l.replace(/^#+\s*/, '').replace(/`|\*\*/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1'), bold ? 'bold' : 'normal']);
      }
    } else if (w.type === 'alarm') {
      lines.push([`${w.properties.title}: state of ${w.properties.alarms.length} alarms`, 'bold']);
    } else {
      lines.push([w.properties.title, 'bold']);
      for (const m of w.properties.metrics ?? []) {
        const opts = m.find((x: unknown) => typeof x === 'object') ?? {};
        if (opts.visible === false) continue;
        const strings = m.filter((x: unknown) => typeof x === 'string');
        lines.push([`— ${opts.label ?? strings[1] ?? opts.expression}${opts.stat ? ` (${opts.stat})` : ''}`, 'normal']);
      }
      for (const a of w.properties.annotations?.horizontal ?? []) lines.push([`- - ${a.label}: ${Math.round(a.value * 100) / 100}`, 'normal']);
    }
    lines.slice(0, Math.floor((ht - 6) / 14)).forEach(([l, weight], i) => {
      out.push(`<text x="${x + 6}" y="${y + 16 + i * 14}" font-size="${weight === 'bold' ? 12 : 11}" font-weight="${weight}" fill="#16191f">${esc(clip(l, wd - 12))}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n');
}

const dir = __dirname;
const svg = path.join(dir, 'dashboard.svg');
fs.writeFileSync(svg, render(sampleDashboard().widgets));
try {
  // /usr/bin/convert is ImageMagick's (apt-get install imagemagick); a `convert` earlier on the PATH may be something else.
  execFileSync(fs.existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert', ['-density', '96', svg, '+dither', '-colors', '16', `PNG8:${path.join(dir, 'dashboard.png')}`], { stdio: 'inherit' });
  console.log(`wrote ${svg} and dashboard.png`);
} catch {
  console.log(`wrote ${svg}; ImageMagick's convert is not available, so no PNG`);
}
