// The error class lives in the catalog (which knows no constructs) so that the model-ID policy can raise it too;
// constructs keep importing it from here.
export { BedrockValidationError } from '../catalog/errors';
export type { ErrorScope } from '../catalog/errors';
