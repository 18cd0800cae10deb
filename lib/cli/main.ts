/**
 * `cdk-bedrock-check [cdk.out|template files...] [--format text|json|sarif|junit] [--fail-on error|warning]
 *  [--region R] [--now YYYY-MM-DD] [--output FILE] [--opt-in Rule,...] [--group-by-value]`
 *
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or unreadable input.
 * Does not need cdk-nag: it runs the same rule core as the `BedrockChecks` pack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseIsoDate } from '../catalog/policy';
import { regionNameProblem } from '../catalog/regions';
import type { RuleLevel } from '../nag/core/types';
import { ALL_RULES, OPT_IN_RULES, optInRules } from '../nag/rules';
import { dateLine, FORMATS, OutputFormat, render } from './formats';
import { InputError, loadInputs } from './load';
import { buildReport, failing } from './report';

export const USAGE = `Usage: cdk-bedrock-check [cdk.out | template files...] [options]

Checks a CDK cloud assembly (cdk.out, including stages and nested stacks) or CloudFormation templates (JSON or
YAML) with the Amazon Bedrock rules of cdk-bedrock-foundation (the same rules as the BedrockChecks cdk-nag pack).

Options:
  --format <text|json|sarif|junit>  output format (default: text)
  --fail-on <error|warning>         exit 1 when unacknowledged findings at or above this level exist (default: error)
  --region <region>                 Region for environment-agnostic stacks and plain templates
  --now <YYYY-MM-DD>                date at which model lifecycle is judged (default: today, UTC)
  --output <file>                   write the report to a file instead of standard output
  --opt-in <Rule,...>               also run these opt-in rules (comma-separated, or repeat the option):
                                    ${OPT_IN_RULES.map((r) => r.name).join(', ')}
  --group-by-value                  one finding per rule and value in each stack, listing every resource it is
                                    found in (default: one finding per rule, value and resource)
  -h, --help                        show this help
  --version                         print the version

Exit codes: 0 no failing findings, 1 failing findings, 2 usage error or unreadable input.
With no path, ./cdk.out is checked.`;

export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
  /** Today, for the default --now. @default - new Date() */
  readonly today?: Date;
}

export interface CliOptions {
  readonly paths: string[];
  readonly format: OutputFormat;
  readonly failOn: RuleLevel;
  readonly region?: string;
  readonly now?: string;
  readonly output?: string;
  /** Opt-in rules to run as well (names of `OPT_IN_RULES`). */
  readonly optIn: string[];
  /** One finding per rule and value in each stack, listing every place. */
  readonly groupByValue: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Parses the command line (without `node` and the script). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const paths: string[] = [];
  let format: OutputFormat = 'text';
  let failOn: RuleLevel = 'error';
  let region: string | undefined;
  let now: string | undefined;
  let output: string | undefined;
  const optIn: string[] = [];
  let groupByValue = false;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`Option ${name} needs a value.`);
      i++;
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--version':
        version = true;
        break;
      case '--format': {
        const v = value();
        if (!FORMATS.includes(v as OutputFormat)) throw new UsageError(`--format is '${v}'; write one of ${FORMATS.join(', ')}.`);
        format = v as OutputFormat;
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'error' && v !== 'warning') throw new UsageError(`--fail-on is '${v}'; write 'error' or 'warning'.`);
        failOn = v;
        break;
      }
      case '--region': {
        const v = value();
        const problem = regionNameProblem(v);
        if (problem) throw new UsageError(`--region is '${v}', ${problem.text}`);
        region = v;
        break;
      }
      case '--now': {
        const v = value();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime())
          || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
          throw new UsageError(`--now is '${v}', which is not a date; write YYYY-MM-DD, e.g. 2026-11-25.`);
        }
        now = v;
        break;
      }
      case '--output':
        output = value();
        break;
      case '--opt-in': {
        const names = value().split(',').map((n) => n.trim()).filter((n) => n !== '');
        if (names.length === 0) throw new UsageError(`--opt-in needs rule names; write e.g. --opt-in ${OPT_IN_RULES.map((r) => r.name).join(',')}.`);
        try {
          optInRules(names);
        } catch (e) {
          throw new UsageError(`--opt-in: ${(e as Error).message}`);
        }
        optIn.push(...names);
        break;
      }
      case '--group-by-value':
        if (eq > 0) throw new UsageError(`--group-by-value takes no value; write '--group-by-value'.`);
        groupByValue = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`Unknown option '${arg}'.`);
        paths.push(arg);
    }
  }
  return { paths, format, failOn, region, now, output, optIn, groupByValue, help, version };
}

/** The package version (from the nearest package.json named cdk-bedrock-foundation). */
export function toolVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === 'cdk-bedrock-foundation' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // keep looking
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** Runs the CLI; returns the exit code. Never throws. */
export function main(argv: readonly string[], io: CliIo): number {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    io.stderr(`${TOOL}: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (opts.version) {
    io.stdout(`${toolVersion()}\n`);
    return 0;
  }
  try {
    const now = opts.now ? parseIsoDate(opts.now, '--now') : utcDay(io.today ?? new Date());
    const paths = (opts.paths.length > 0 ? opts.paths : ['cdk.out']).map((p) => path.resolve(io.cwd, p));
    const stacks = loadInputs(paths, { region: opts.region });
    if (stacks.length === 0) {
      throw new InputError(`No stacks found in ${opts.paths.length ? opts.paths.join(', ') : 'cdk.out'}: the cloud assembly has no `
        + "CloudFormation stack artifacts. Check that 'cdk synth' produced stacks.");
    }
    const report = buildReport(stacks, now, opts.failOn, { rules: [...ALL_RULES, ...optInRules(opts.optIn)], groupByValue: opts.groupByValue });
    const text = render(opts.format, report, { cwd: io.cwd, toolVersion: toolVersion(), nowSource: opts.now ? '--now' : 'today; set --now to pin it' });
    if (opts.output) {
      writeReport(path.resolve(io.cwd, opts.output), opts.output, text);
      io.stderr(`${dateLine(report, { cwd: io.cwd, toolVersion: '', nowSource: opts.now ? '--now' : 'today' })}\n`
        + `${TOOL}: wrote ${opts.format} report to ${opts.output}\n`);
    } else {
      if (opts.format !== 'text') io.stderr(`${dateLine(report, { cwd: io.cwd, toolVersion: '', nowSource: opts.now ? '--now' : 'today' })}\n`);
      io.stdout(text);
    }
    return failing(report).length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) {
      io.stderr(`${TOOL}: ${e.message}\n`);
      return 2;
    }
    io.stderr(`${TOOL}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

const TOOL = 'cdk-bedrock-check';

/** Writes the --output file; a file that cannot be written is a usage error naming the path and the fix. */
function writeReport(file: string, written: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const dir = path.dirname(file);
    const why = code === 'ENOENT' ? `the directory '${dir}' does not exist; create it first (mkdir -p '${dir}') or choose another path`
      : code === 'EISDIR' ? 'it is a directory; pass a file name, e.g. --output report.sarif'
        : code === 'EACCES' || code === 'EPERM' ? `permission denied; choose a path you can write to`
          : `${(e as Error).message}`;
    throw new UsageError(`Cannot write the report to --output '${written}' (${file}): ${why}.`);
  }
}

function utcDay(d: Date): Date {
  return new Date(`${d.toISOString().slice(0, 10)}T00:00:00Z`);
}
