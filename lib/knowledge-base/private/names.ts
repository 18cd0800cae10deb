import * as crypto from 'crypto';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * Name and description bounds (Bedrock API reference CreateKnowledgeBase / CreateDataSource: name pattern
 * `([0-9a-zA-Z][_-]?){1,100}`, description 1–200 characters; aws-bedrock-alpha KnowledgeBaseProps says the same).
 * S3 inclusion prefixes: at most one, up to 300 characters (CloudFormation AWS::Bedrock::DataSource
 * S3DataSourceConfiguration.InclusionPrefixes).
 */
const NAME_RE = /^([0-9a-zA-Z][_-]?){1,100}$/;
const MAX_DESCRIPTION = 200;
const MAX_PREFIX = 300;

/**
 * `<path-derived base>-<hash of the inputs>`: letters, digits and single hyphens, at most `max` characters.
 * Generated names are public API (a changed name replaces the resource): never change how they are derived.
 */
export function generatedName(scope: IConstruct, max: number, inputs: string[], suffix?: string): string {
  const path = scope.node.path.split('/').concat(suffix ? [suffix] : []).join('-');
  const clean = path.replace(/[^0-9a-zA-Z]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = crypto.createHash('sha256').update(scope.node.path + '|' + inputs.join('|')).digest('hex').slice(0, 8);
  const room = max - hash.length - 1;
  const base = clean.length > room ? clean.slice(clean.length - room).replace(/^-+/, '') : clean;
  return `${base}-${hash}`;
}

/** Pushes an error unless `name` matches the Bedrock name pattern (Tokens are skipped). */
export function checkName(errors: string[], prop: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (!NAME_RE.test(name)) {
    errors.push(`${prop}: '${name}' is not a valid name; use 1–100 letters and digits, with single '-' or '_' only `
      + 'between them (pattern ([0-9a-zA-Z][_-]?){1,100}).');
  }
}

/** Pushes an error unless `description` has 1–200 characters (Tokens are skipped). */
export function checkDescription(errors: string[], prop: string, description: string | undefined): void {
  if (description === undefined || Token.isUnresolved(description)) return;
  if (description.length < 1 || description.length > MAX_DESCRIPTION) {
    errors.push(`${prop}: is ${description.length} characters; it must be 1–${MAX_DESCRIPTION} characters. `
      + `Shorten it${description.length === 0 ? ' or omit it' : ''}.`);
  }
}

/** Pushes an error for an inclusion prefix S3 would never match or the API refuses (Tokens are skipped). */
export function checkPrefix(errors: string[], prefix: string | undefined): void {
  if (prefix === undefined || Token.isUnresolved(prefix)) return;
  if (prefix.length < 1 || prefix.length > MAX_PREFIX) {
    errors.push(`dataSource.inclusionPrefix: '${prefix.slice(0, 40)}${prefix.length > 40 ? '…' : ''}' is `
      + `${prefix.length} characters; it must be 1–${MAX_PREFIX}. Omit it to ingest the whole bucket.`);
  } else if (prefix.startsWith('/')) {
    errors.push(`dataSource.inclusionPrefix: '${prefix}' starts with '/'; S3 keys have no leading slash, so nothing `
      + `would match. Write '${prefix.replace(/^\/+/, '')}'.`);
  } else if (prefix.includes('*')) {
    errors.push(`dataSource.inclusionPrefix: '${prefix}' contains '*'; it is a literal key prefix, not a pattern. `
      + `Write the prefix up to the wildcard ('${prefix.split('*')[0]}').`);
  }
}
