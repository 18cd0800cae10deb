import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { BedrockValidationError } from './errors';

/**
 * What a compliance envelope can set for everything the library creates in a scope. The public face is
 * `ComplianceEnvelopeProps` (lib/compliance); this is the shape the constructs read through `envelopeFor`.
 */
export interface EnvelopeSettings {
  readonly encryptionKey?: kms.IKey;
  readonly logsEncryptionKey?: kms.IKey;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly reservedConcurrentExecutions?: number;
  readonly serverAccessLogsBucket?: s3.IBucket;
  readonly openSearchVpcEndpointIds?: string[];
}

export type EnvelopeField = keyof EnvelopeSettings;

/** Fields inherited one by one from the nearest envelope that sets each. */
const SCALAR_FIELDS: EnvelopeField[] = [
  'encryptionKey', 'logsEncryptionKey', 'logRetention', 'removalPolicy', 'reservedConcurrentExecutions',
  'serverAccessLogsBucket', 'openSearchVpcEndpointIds',
];

/**
 * Network placement is inherited as one unit: subnets and security groups belong to one VPC, so the nearest envelope
 * that sets `vpc` decides all three (an inner envelope cannot put an outer VPC's functions in its own security group).
 */
const PLACEMENT_FIELDS: EnvelopeField[] = ['vpc', 'vpcSubnets', 'securityGroups'];

/** The envelope in force at a construct, with where each value came from. */
export interface ResolvedEnvelope extends EnvelopeSettings {
  /**
   * The key for log groups: `logsEncryptionKey` when an envelope sets it, else `encryptionKey`.
   */
  readonly logGroupKey?: kms.IKey;
  /** Field -> construct path of the scope whose envelope set it (fields no envelope sets are absent). */
  readonly setAt: Partial<Record<EnvelopeField, string>>;
}

const envelopes = new WeakMap<IConstruct, EnvelopeSettings>();
/** Per construct tree (keyed by its root): the constructs that have read their envelope, in order. */
const readers = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Records `settings` as the envelope of `scope`. Fails when `scope` already has one, or when a construct inside
 * `scope` has already read its envelope (it was created before this call and would not obey it).
 */
export function registerEnvelope(scope: IConstruct, settings: EnvelopeSettings): void {
  if (envelopes.has(scope)) {
    throw new BedrockValidationError('EnvelopeAlreadySet', `ComplianceEnvelope.of(${describe(scope)}).set() was called twice; `
      + 'an envelope is set once per scope. Pass every setting in one set() call, or set a different value on an inner scope '
      + '(ComplianceEnvelope.of(innerScope).set({...})) to override it there.', scope);
  }
  const early = (readers.get(scope.node.root) ?? []).filter((c) => isWithin(c, scope));
  if (early.length > 0) {
    const names = early.slice(0, 3).map((c) => `'${c.node.path}'`).join(', ') + (early.length > 3 ? ` and ${early.length - 3} more` : '');
    throw new BedrockValidationError('EnvelopeSetTooLate', `ComplianceEnvelope.of(${describe(scope)}).set() was called after ${names} `
      + 'had been created, so they would not obey it. Call ComplianceEnvelope.of(scope).set({...}) right after creating the scope '
      + '(the stack), before any cdk-bedrock-foundation construct in it.', scope);
  }
  envelopes.set(scope, settings);
}

/** The envelope set directly on `scope`, if any. */
export function envelopeOf(scope: IConstruct): EnvelopeSettings | undefined {
  return envelopes.get(scope);
}

/**
 * The envelope in force for `construct`: walking up from the construct itself to the root, each field comes from the
 * nearest envelope that sets it (placement fields as one unit, from the nearest envelope that sets `vpc`). Stack-level
 * singletons (custom-resource providers) pass themselves, so they obey the envelope of their stack or above.
 *
 * Per-construct props win over the result: `props.logRetention ?? envelopeFor(this).logRetention ?? default`.
 * Reading marks `construct`, so that a later `set()` on one of its scopes fails instead of being silently ignored.
 */
export function envelopeFor(construct: IConstruct): ResolvedEnvelope {
  markRead(construct);
  const out: Record<string, unknown> = {};
  const setAt: Partial<Record<EnvelopeField, string>> = {};
  let placementDone = false;
  for (const scope of construct.node.scopes.slice().reverse()) {
    const e = envelopes.get(scope);
    if (!e) continue;
    for (const f of SCALAR_FIELDS) {
      if (e[f] !== undefined && !(f in setAt)) {
        out[f] = e[f];
        setAt[f] = scope.node.path;
      }
    }
    if (!placementDone && e.vpc !== undefined) {
      placementDone = true;
      for (const f of PLACEMENT_FIELDS) {
        if (e[f] !== undefined) {
          out[f] = e[f];
          setAt[f] = scope.node.path;
        }
      }
    }
  }
  const resolved = out as EnvelopeSettings;
  return { ...resolved, logGroupKey: resolved.logsEncryptionKey ?? resolved.encryptionKey, setAt };
}

/**
 * The fields whose value differs between the envelope of `requester` and that of `singleton` (a stack-level construct
 * the requester shares, e.g. a custom-resource provider). A construct inside an inner envelope should warn about these:
 * the shared singleton follows the stack's envelope, not the inner one.
 */
export function envelopeMismatch(requester: IConstruct, singleton: IConstruct): EnvelopeField[] {
  const a = envelopeFor(requester);
  const b = envelopeFor(singleton);
  return [...SCALAR_FIELDS, ...PLACEMENT_FIELDS].filter((f) => !sameValue(a[f], b[f]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (a && b && typeof a === 'object' && typeof b === 'object' && !('node' in (a as object))) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return a === b;
}

function markRead(construct: IConstruct): void {
  const root = construct.node.root;
  let list = readers.get(root);
  if (!list) { list = []; readers.set(root, list); }
  if (!list.includes(construct)) list.push(construct);
}

function isWithin(c: IConstruct, scope: IConstruct): boolean {
  return c.node.scopes.includes(scope);
}

function describe(scope: IConstruct): string {
  return scope.node.path === '' ? 'app' : `'${scope.node.path}'`;
}
