/**
 * The compliance tests hand cfn-guard only the Control Tower rules that can select a resource of the templates
 * (measure.ts controlTowerRulesFor). That is sound only while every rule the package ships selects template resources
 * by type: these tests read the shipped rule files and fail when a rule selects resources any other way, so an upgrade
 * of @cdklabs/cdk-validator-cfnguard cannot make the filter drop a rule that would have failed.
 */
import * as path from 'path';
import { controlTowerRuleFiles, controlTowerRulesFor } from './measure';

const rules = controlTowerRuleFiles();
const typesOf = new Map(rules.map((r) => [r.file, r.types]));

/**
 * Each place a rule file selects from the template's `Resources` (`Resources.*[ <filter> ]` over the template's
 * resources, `Resources[ keys == ... ]` a lookup by logical ID), with comments and string literals removed first (the
 * rules' messages mention "Resources"). A property named `Resources` inside a selected resource (ct-eks-pr-2:
 * `some Resources[*] == "secrets"`, `Resources is_list`) is no selection of the template.
 */
function selections(text: string): string[] {
  const code = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/#.*$/gm, '');
  return [...code.matchAll(/(?<![\w.])(some\s+)?Resources(\.\*)?\s*\[([^\]]*)\]/g)]
    .filter((m) => !m[1])
    .map((m) => `Resources${m[2] ?? ''}[ ${m[3].replace(/\s+/g, ' ').trim()} ]`);
}

test('the package ships the Control Tower rules the compliance tests read', () => {
  expect(rules.length).toBeGreaterThan(200);
});

test('every Control Tower rule selects template resources by a type it declares as an "AWS::..." literal, or by logical ID', () => {
  const offending: string[] = [];
  for (const { file, text, types } of rules) {
    const constants = new Map([...text.matchAll(/^\s*let\s+(\w+)\s*=\s*["'](AWS::\w+::\w+)["']/gm)].map((m) => [m[1], m[2]]));
    const name = path.relative(path.dirname(path.dirname(file)), file);
    if (types.size === 0) offending.push(`${name}: names no resource type`);
    for (const s of selections(text)) {
      const filter = /^Resources(?:\.\*)?\[ (.*) \]$/.exec(s)![1];
      if (/^keys == %\w+$/.test(filter)) continue;
      // `Type == %A` or `Type == %A or Type == %B ...`, each a declared "AWS::..." constant.
      const terms = filter.split(/\s+or\s+/).map((t) => /^Type == %(\w+)$/.exec(t.trim())?.[1]);
      if (terms.some((v) => !v || !constants.has(v))) offending.push(`${name}: ${s}`);
    }
  }
  expect(offending).toEqual([]);
});

test('the rules kept for a template are those naming one of its types; the others are left out', () => {
  const kept = controlTowerRulesFor([{ Resources: { B: { Type: 'AWS::S3::Bucket' }, Q: { Type: 'AWS::SQS::Queue' } } }]);
  const names = kept.map((f) => path.basename(f));
  expect(names).toEqual(expect.arrayContaining(['ct-s3-pr-1.guard', 'ct-sqs-pr-1.guard']));
  expect(names.filter((n) => n.startsWith('ct-lambda-'))).toEqual([]);
  for (const file of kept) {
    const types = typesOf.get(file)!;
    expect([...types].some((t) => t === 'AWS::S3::Bucket' || t === 'AWS::SQS::Queue')).toBe(true);
  }
  expect(controlTowerRulesFor([{ Resources: {} }])).toEqual([]);
});
