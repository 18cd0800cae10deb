/**
 * Test order for jest (jest.config.js testSequencer). jest runs the slowest suites first so that no worker is left
 * alone with a long suite at the end, but it only knows durations from an earlier run on the same machine (its
 * cache); on a fresh clone, which is how CI runs `npm test`, it falls back to file size, and the slowest suites here
 * are small files that run external tools (npm, TypeScript, cfn-guard, cfn-lint). Without recorded durations they go
 * first, slowest first (seconds measured on the 2-core machine, 2026-12-07); a stale figure only changes the order.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('path');

const KNOWN_SLOW = {
  'test/package/pack.test.ts': 11.4,
  'test/parity/one-verdict.test.ts': 8.2,
  'test/knowledge-base/compliance.test.ts': 6.8,
  'test/lifecycle/cfn-lint.test.ts': 5.2,
  'test/lambda/invocation-logging.test.ts': 3.6,
  'test/lifecycle/handlers.lifecycle.test.ts': 3.5,
  'test/compliance/strict-sample.test.ts': 3.2,
  'test/compliance/strict-large.test.ts': 2.8,
  'test/sample/build-if-stale.test.ts': 2.7,
  'test/nag/packs/sample-app-clean.test.ts': 2.6,
};

class KnownSlowFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((t) => t.duration != null)) return sorted; // jest has its own measurements: they win
    const weight = (t) => KNOWN_SLOW[path.relative(t.context.config.rootDir, t.path).split(path.sep).join('/')] ?? 0;
    return sorted.map((t, i) => [t, i]).sort(([a, i], [b, j]) => weight(b) - weight(a) || i - j).map(([t]) => t);
  }
}

module.exports = KnownSlowFirst;
