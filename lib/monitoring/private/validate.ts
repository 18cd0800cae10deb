import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BedrockValidationError } from '../../private/errors';

/** The valid range of a numeric setting. */
export interface NumberRange {
  readonly min: number;
  /** Whether `min` itself is allowed. */
  readonly minInclusive: boolean;
  readonly max?: number;
  readonly integer?: boolean;
  /** Most decimal places allowed (CloudWatch percentiles take two). */
  readonly maxDecimals?: number;
}

function describe(range: NumberRange): string {
  const kind = range.integer ? 'a whole number' : 'a number';
  const low = range.minInclusive ? `from ${range.min}` : `greater than ${range.min}`;
  const high = range.max !== undefined ? (range.minInclusive ? ` to ${range.max}` : ` and at most ${range.max}`) : '';
  const dec = range.maxDecimals !== undefined ? ` with at most ${range.maxDecimals} decimal places` : '';
  return `${kind} ${low}${high}${dec}`;
}

/**
 * Checks a numeric setting against its range; throws `BedrockValidationError(code)` naming the setting, the value and
 * the valid range. Unresolved tokens are not checked (their value is known only at deploy).
 */
export function checkNumber(scope: IConstruct, code: string, name: string, value: number | undefined, range: NumberRange,
  hint = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const below = range.minInclusive ? value < range.min : value <= range.min;
  const decimals = range.maxDecimals !== undefined && Number.isFinite(value)
    && Math.abs(Math.round(value * 10 ** range.maxDecimals) - value * 10 ** range.maxDecimals) > 1e-9;
  if (!Number.isFinite(value) || below || (range.max !== undefined && value > range.max)
    || (range.integer && !Number.isInteger(value)) || decimals) {
    throw new BedrockValidationError(code, `${name} is ${value}; give ${describe(range)}${hint ? `: ${hint}` : '.'}`, scope);
  }
}
