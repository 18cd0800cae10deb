#!/usr/bin/env node
/**
 * Regenerates lib/private/data/create-only-paths.json: the `createOnlyProperties` (JSON pointers, nested paths
 * included) of every CloudFormation resource type the library creates and names, from the CloudFormation resource
 * provider schemas that cfn-lint bundles. A change of any of these properties makes CloudFormation replace the
 * resource (create the new one, then delete the old one), so a name that does not change with them collides.
 *
 *   node scripts/vendor-create-only.mjs          # rewrite the data file
 *   node scripts/vendor-create-only.mjs --check  # exit 1 when the data file differs from what cfn-lint says
 *
 * Needs python3 with cfn-lint (the machine image has cfn-lint 1.51.0).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = [
  'AWS::Bedrock::KnowledgeBase',
  'AWS::Bedrock::DataSource',
  'AWS::OpenSearchServerless::Collection',
  'AWS::OpenSearchServerless::SecurityPolicy',
  'AWS::OpenSearchServerless::AccessPolicy',
  'AWS::S3Vectors::VectorBucket',
  'AWS::S3Vectors::Index',
];
const REGION = 'us-east-1';

const py = `
import json, sys
from importlib.metadata import version as pkg_version
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m
types = json.loads(sys.argv[1])
out = {t: m.get_resource_schema(sys.argv[2], t).schema.get('createOnlyProperties', []) for t in types}
print(json.dumps({'version': pkg_version('cfn-lint'), 'types': out}))
`;

let raw;
try {
  raw = execFileSync('python3', ['-c', py, JSON.stringify(TYPES), REGION], { encoding: 'utf8' });
} catch (e) {
  console.error('python3 with cfn-lint is required (pip install cfn-lint): ' + e.message);
  process.exit(2);
}
const { version, types } = JSON.parse(raw);
const data = {
  source: `cfn-lint ${version} (cfnlint.schema.PROVIDER_SCHEMA_MANAGER.get_resource_schema('${REGION}', type).schema['createOnlyProperties']), `
    + 'the CloudFormation resource provider schemas it bundles; regenerate with node scripts/vendor-create-only.mjs',
  types,
};
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'private', 'data', 'create-only-paths.json');
const text = JSON.stringify(data, null, 2) + '\n';
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== text) {
    console.error(`${file} differs from cfn-lint ${version}; run node scripts/vendor-create-only.mjs`);
    process.exit(1);
  }
  console.log(`${file} matches cfn-lint ${version}`);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file} (${Object.keys(types).length} types, cfn-lint ${version})`);
}
