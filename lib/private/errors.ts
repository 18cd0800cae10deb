import { IConstruct } from 'constructs';

/**
 * A synth-time error with a stable code (`ModelNotPinned`, `InvalidDimensions` ...), the construct path,
 * the offending value and the fix in its message. Modelled on aws-cdk-lib's ValidationError.
 */
export class BedrockValidationError extends Error {
  public readonly code: string;
  constructor(code: string, message: string, scope?: IConstruct) {
    super(scope ? `${message} (at ${scope.node.path})` : message);
    this.code = code;
    this.name = 'BedrockValidationError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
