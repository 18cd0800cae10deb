#!/usr/bin/env node
// Vendors the sourced model reference data from ../shared/reference into the package.
// The shipped package reads only lib/catalog/data/ (never ../shared). Run after the reference is updated:
//   npm run catalog:vendor [-- <path to shared/reference>]
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'reference'));
const target = join(root, 'lib', 'catalog', 'data');
if (!existsSync(join(source, 'bedrock-models.json'))) {
  console.error(`vendor-catalog: ${join(source, 'bedrock-models.json')} not found; pass the path of shared/reference as the first argument.`);
  process.exit(2);
}
mkdirSync(target, { recursive: true });
const data = JSON.parse(readFileSync(join(source, 'bedrock-models.json'), 'utf8'));
if (!Array.isArray(data.models) || data.models.length === 0) {
  console.error('vendor-catalog: bedrock-models.json has no models[]; refusing to vendor it.');
  process.exit(2);
}
copyFileSync(join(source, 'bedrock-models.json'), join(target, 'bedrock-models.json'));
chmodSync(join(target, 'bedrock-models.json'), 0o644);
// Keep the sources, field meanings and known gaps next to the data.
for (const [from, to] of [['README.md', 'SOURCES.md'], ['s3-vectors.md', 's3-vectors.md'], ['bedrock-api-shapes.md', 'bedrock-api-shapes.md']]) {
  if (existsSync(join(source, from))) { copyFileSync(join(source, from), join(target, to)); chmodSync(join(target, to), 0o644); }
}
console.log(`vendored ${data.models.length} models (generatedAt ${data.generatedAt}) from ${source} into ${target}`);
