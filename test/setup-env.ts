// The bundled AWS SDK warns once per process on Node.js < 22 (the Lambda functions run nodejs24.x). The tests load the
// bundles in-process on the machine's Node.js (in the worker's outer realm, see utils/bundled-handler.ts), so the
// warning is only noise in the test output; it changes no behaviour.
import * as vm from 'node:vm';

const outer = vm.runInThisContext('globalThis') as typeof globalThis;
for (const env of new Set([process.env, outer.process.env])) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
