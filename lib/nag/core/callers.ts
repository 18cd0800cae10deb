/**
 * Which Regions the principals of a policy call Bedrock in. A function that names the Region of its Bedrock calls (a
 * Region field beside its model IDs, a Region variable) needs the model ARNs of that Region in its role's policy; such
 * a grant is not "a model ARN of another Region" but the ARN of where the model is called.
 *
 * Links read: a function's `Role` (`Fn::GetAtt: [Role, Arn]`), an ECS task definition's `TaskRoleArn`, the `Roles` of
 * `AWS::IAM::Policy` / `ManagedPolicy` (`Ref: Role`), a role's inline `Policies`, and a SAM function's own `Policies`.
 */
import { findModelReferences } from './model-scan';
import type { CallerRegion, CfnResourceJson, CfnTemplateJson, CheckContext } from './types';

const CALLERS = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function', 'AWS::ECS::TaskDefinition']);

/** The logical ID a `Ref` / `Fn::GetAtt` names. */
function referenced(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/**
 * For each resource that holds identity policies (roles, policies, SAM functions), the Regions its principals call
 * Bedrock in as named beside their model IDs (not the stack's Region, which needs no link).
 */
export function callerRegions(template: CfnTemplateJson, ctx: CheckContext): Map<string, CallerRegion[]> {
  const resources = (template.Resources ?? {}) as Record<string, CfnResourceJson>;
  const byRole = new Map<string, CallerRegion[]>();
  const add = (id: string | undefined, regions: CallerRegion[]) => {
    if (!id || regions.length === 0) return;
    const list = byRole.get(id) ?? [];
    for (const r of regions) if (!list.some((x) => x.region === r.region)) list.push(r);
    byRole.set(id, list);
  };
  for (const [id, resource] of Object.entries(resources)) {
    if (!resource || !CALLERS.has(resource.Type ?? '')) continue;
    // Only a function or container whose configuration mentions a Region can name one (cheap test first).
    const config = resource.Type === 'AWS::ECS::TaskDefinition' ? resource.Properties?.ContainerDefinitions : resource.Properties?.Environment;
    if (!/region/i.test(JSON.stringify(config ?? null)) && !(resource.Type === 'AWS::Serverless::Function' && ctx.samFunctionVariables)) continue;
    const kind = resource.Type === 'AWS::ECS::TaskDefinition' ? 'task definition' : 'function';
    const regions: CallerRegion[] = [];
    for (const ref of findModelReferences(resource, ctx)) {
      if (!ref.region || (ref.regionSource !== 'json-field' && ref.regionSource !== 'variable') || ref.region === ctx.region) continue;
      if (regions.some((r) => r.region === ref.region)) continue;
      const named = ref.regionSource === 'variable' ? `its ${ref.regionKey} variable` : `the '${ref.regionKey}' field beside ${ref.where}`;
      regions.push({ region: ref.region, by: `the ${kind} ${id} (${named})` });
    }
    const props = resource.Properties ?? {};
    add(referenced(resource.Type === 'AWS::ECS::TaskDefinition' ? props.TaskRoleArn : props.Role), regions);
    if (resource.Type === 'AWS::Serverless::Function') add(id, regions);
  }
  const out = new Map<string, CallerRegion[]>();
  for (const [id, resource] of Object.entries(resources)) {
    if (!resource) continue;
    const props = resource.Properties ?? {};
    let roles: string[] = [];
    switch (resource.Type) {
      case 'AWS::IAM::Role':
      case 'AWS::Serverless::Function':
        roles = [id];
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        roles = Array.isArray(props.Roles) ? props.Roles.map(referenced).filter((r): r is string => !!r) : [];
        break;
      default:
        break;
    }
    const regions = roles.flatMap((r) => byRole.get(r) ?? []);
    if (regions.length > 0) out.set(id, regions);
  }
  return out;
}
