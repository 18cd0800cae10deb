// Environment every test file starts with. Set in both the test file's process.env and the worker's outer realm
// (handler bundles run there, see utils/bundled-handler.ts).
//
// - The bundled AWS SDK warns once per process on Node.js < 22 (the Lambda functions run nodejs24.x). The tests load the
//   bundles in-process on the machine's Node.js, so the warning is only noise in the test output; it changes no
//   behaviour.
// - aws-cdk-lib runs its built-in CloudFormation validation on every `app.synth()` (and so every `Template.fromStack`)
//   unless `CDK_VALIDATION` is 'false': core/lib/private/synthesis-validation.js reads it at each synth
//   (`app._builtinCloudFormationValidation && process.env.CDK_VALIDATION !== "false"`, so the App prop
//   `builtinCloudFormationValidation: true` cannot turn it back on). It costs about 1.7 s a synth; only the tests
//   about that validation pay for it: they set `process.env.CDK_VALIDATION = 'true'` themselves (and restore it).
// - Every construct aws-cdk-lib creates records its creation stack trace (CfnElement: `aws:cdk:creationStack` metadata,
//   unless the context key `aws:cdk:disable-creation-stack-traces` is set) and every annotation its own
//   (Annotations: unless `CDK_DISABLE_STACK_TRACE` is set). Under jest each trace is source-mapped, which took about a
//   tenth of the CPU time of the suites that synthesize large apps. No test reads those traces; the context key is
//   passed the way the CDK CLI passes context to an app (`CDK_CONTEXT_JSON`, merged under each App's own context).
// - utils/code-cache.ts: one V8 code cache per jest worker for the modules jest compiles for every test file.
// - TMPDIR: the run's own temporary directory (global-setup.js), removed when the run ends, so that temporary files
//   (aws-cdk-lib's `cdk.out*` of every App without an outdir, about 700 a run) do not pile up in the system's.
import * as vm from 'node:vm';
import { installCodeCache } from './utils/code-cache';

installCodeCache();

const outer = vm.runInThisContext('globalThis') as typeof globalThis;
for (const env of new Set([process.env, outer.process.env])) {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  env.CDK_VALIDATION = 'false';
  env.CDK_DISABLE_STACK_TRACE = '1';
  env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-creation-stack-traces': true });
  if (env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR) env.TMPDIR = env.CDK_BEDROCK_FOUNDATION_TEST_TMPDIR;
}
