/**
 * YAML CloudFormation templates with the short-form intrinsic tags (`!Ref`, `!Sub`, `!GetAtt`, `!Join` ...), read with
 * the `yaml` package's custom tags. Each tag becomes the long form (`{ "Fn::Join": [...] }`), so the rule core sees
 * the same JSON as for a JSON template.
 */
import { parse as parseYaml, YAMLMap, YAMLSeq } from 'yaml';

const FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  Transform: 'Fn::Transform',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
  ForEach: 'Fn::ForEach',
};

type AnyTag = {
  tag: string;
  collection?: 'map' | 'seq';
  resolve: (value: any) => unknown;
};

function buildTags(): AnyTag[] {
  const tags: AnyTag[] = [];
  for (const [short, long] of Object.entries(FUNCTIONS)) {
    const tag = `!${short}`;
    tags.push({
      tag,
      resolve: (value: string) => {
        if (short === 'GetAtt') {
          const dot = value.indexOf('.');
          return { [long]: dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : [value] };
        }
        return { [long]: value };
      },
    });
    tags.push({ tag, collection: 'seq', resolve: (seq: YAMLSeq) => ({ [long]: seq.toJSON() }) });
    tags.push({ tag, collection: 'map', resolve: (map: YAMLMap) => ({ [long]: map.toJSON() }) });
  }
  return tags;
}

/** The short-form tags as `yaml` custom tags (also used by `positions.ts`). */
export const CFN_TAGS = buildTags();

/** Parses a YAML CloudFormation template. Throws with the line and column of the first syntax error. */
export function parseCfnYaml(text: string): unknown {
  return parseYaml(text, {
    customTags: CFN_TAGS as any,
    // Templates are data: no merge keys or other YAML 1.1 surprises; allow big documents.
    maxAliasCount: 1000,
    prettyErrors: true,
    uniqueKeys: false,
  });
}
