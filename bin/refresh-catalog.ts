#!/usr/bin/env node
/**
 * `npm run catalog:refresh -- [--regions us-east-1,eu-west-1] [--json] [--write <file>] [--catalog <file>]`
 *
 * Lists foundation models and system-defined inference profiles in each Region with the caller's AWS credentials
 * (bedrock:ListFoundationModels and bedrock:ListInferenceProfiles; both have no resource type) and prints what
 * differs from the vendored catalog: added and removed model IDs, lifecycle changes, on-demand Region changes and
 * new inference-profile IDs. It never edits the vendored data; `--write` saves the live snapshot for review.
 *
 * Exit codes: 0 = report printed (with or without differences), 2 = usage error or AWS/API error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CatalogLike, DEFAULT_REFRESH_REGIONS, buildSnapshot, diffSnapshot, fetchRegions, formatDiff, type BedrockClientFactory,
} from '../lib/catalog/refresh';

export const USAGE = `Usage: refresh-catalog [--regions r1,r2,...] [--json] [--write <file>] [--catalog <file>] [--endpoint-url <url>]
  --regions       comma-separated Region codes (default: ${DEFAULT_REFRESH_REGIONS.join(',')})
  --json          print the diff as JSON instead of text
  --write <file>  also write the live snapshot JSON to <file> (the vendored catalog is never modified)
  --catalog <file> compare against this catalog JSON instead of lib/catalog/data/bedrock-models.json
  --endpoint-url  Bedrock control-plane endpoint override (AWS_ENDPOINT_URL_BEDROCK works too)`;

export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly clientFactory?: BedrockClientFactory;
  readonly now?: Date;
}

interface Args { regions: string[]; json: boolean; write?: string; catalog?: string; endpoint?: string; help: boolean }

class UsageError extends Error {}

const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { regions: [...DEFAULT_REFRESH_REGIONS], json: false, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = () => { if (inline !== undefined) return inline; const v = value(i, flag); i++; return v; };
    switch (flag) {
      case '--regions': {
        const regions = take().split(',').map((r) => r.trim()).filter(Boolean);
        const bad = regions.filter((r) => !REGION_RE.test(r));
        if (regions.length === 0) throw new UsageError('--regions needs at least one Region code, e.g. --regions us-east-1,eu-west-1');
        if (bad.length) throw new UsageError(`--regions: '${bad.join("', '")}' is not a Region code (expected e.g. us-east-1)`);
        args.regions = [...new Set(regions)];
        break;
      }
      case '--json': args.json = true; break;
      case '--write': args.write = take(); break;
      case '--catalog': args.catalog = take(); break;
      case '--endpoint-url': args.endpoint = take(); break;
      case '--help': case '-h': args.help = true; break;
      default: throw new UsageError(`unknown argument '${a}'`);
    }
  }
  return args;
}

function loadCatalog(file?: string): CatalogLike {
  const p = file ?? path.join(__dirname, '..', 'lib', 'catalog', 'data', 'bedrock-models.json');
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read catalog ${p}: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || !Array.isArray((data as CatalogLike).models)) {
    throw new UsageError(`catalog ${p} has no models[] array; pass a bedrock-models.json file`);
  }
  return data as CatalogLike;
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: Args;
  let catalog: CatalogLike;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout(USAGE + '\n');
      return 0;
    }
    catalog = loadCatalog(args.catalog);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`refresh-catalog: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  let snapshot;
  try {
    const listings = await fetchRegions(args.regions, { clientFactory: io.clientFactory, endpoint: args.endpoint });
    snapshot = buildSnapshot(listings, io.now);
  } catch (e) {
    const err = e as Error;
    io.stderr(`refresh-catalog: ${err.message}\n`
      + 'Check AWS credentials (bedrock:ListFoundationModels and bedrock:ListInferenceProfiles on "*"), that Bedrock is offered in '
      + 'every Region passed with --regions, and network access; nothing was written.\n');
    return 2;
  }
  const diff = diffSnapshot(snapshot, catalog);
  if (args.write) {
    try {
      fs.writeFileSync(args.write, JSON.stringify(snapshot, null, 2) + '\n');
    } catch (e) {
      io.stderr(`refresh-catalog: cannot write ${args.write}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  io.stdout(args.json ? JSON.stringify(diff, null, 2) + '\n' : formatDiff(diff) + '\n');
  if (args.write && !args.json) io.stdout(`Live snapshot written to ${args.write} (vendored catalog unchanged).\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) })
    .then((code) => { process.exitCode = code; })
    .catch((e) => {
      process.stderr.write(`refresh-catalog: unexpected error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    });
}
