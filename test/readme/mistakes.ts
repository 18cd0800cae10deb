/**
 * Type mistakes users made with the package, each with the compile error that now stops them (code and a fragment of
 * the message). Compiled by scripts/typecheck-readme.ts next to the README snippets; asserted by snippets.test.ts.
 */
export interface Mistake {
  readonly source: string;
  readonly code: number;
  readonly message: RegExp;
}

export const MISTAKES: Record<string, Mistake> = {
  // `Aspects.of(app).add(new BedrockChecks())` failed at synth with "aspect.visit is not a function".
  'BedrockChecks registered as an aspect': {
    source: `import { App, Aspects } from 'aws-cdk-lib';
import { BedrockChecks } from 'cdk-bedrock-foundation/nag';
const app = new App();
Aspects.of(app).add(new BedrockChecks());
export {};
`,
    code: 2345,
    message: /'BedrockChecks' is not assignable to parameter of type 'IAspect'/,
  },
  // `grantMarketplaceSubscribe(invoker)` with the construct, not its function, failed with "Cannot read properties of
  // undefined".
  'an invoker construct passed where a grantee is expected': {
    source: `import { App, Stack } from 'aws-cdk-lib';
import { BedrockModel, ModelAccessCheck, ModelInvoker } from 'cdk-bedrock-foundation';
const stack = new Stack(new App(), 'Genai', { env: { region: 'us-east-1' } });
const model = BedrockModel.of('amazon.nova-pro-v1:0');
const access = new ModelAccessCheck(stack, 'ModelAccess', { models: [model] });
const invoker = new ModelInvoker(stack, 'Summarize', { model });
access.grantMarketplaceSubscribe(invoker);
export {};
`,
    code: 2345,
    message: /'ModelInvoker' is not assignable to parameter of type 'IGrantable'/,
  },
};
