/**
 * Where a synth error was raised: anything with a construct path. A construct fits; typed structurally so the catalog
 * knows no constructs.
 */
export interface ErrorScope {
  readonly node: { readonly path: string };
}

/**
 * A synth-time error with a stable code (`ModelNotPinned`, `InvalidDimensions` ...), the construct path,
 * the offending value and the fix in its message. Modelled on aws-cdk-lib's ValidationError.
 */
export class BedrockValidationError extends Error {
  /** Stable code of the problem (PascalCase), for programs that handle it. */
  public readonly code: string;
  constructor(code: string, message: string, scope?: ErrorScope) {
    super(scope ? `${message} (at ${scope.node.path})` : message);
    this.code = code;
    this.name = 'BedrockValidationError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
