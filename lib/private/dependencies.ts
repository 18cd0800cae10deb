import { Dependable, IConstruct, IDependable } from 'constructs';

/**
 * What a resource that already references `construct`'s main resource (Ref/GetAtt) must still wait for: the
 * construct's other children (a role's policies, a bucket's policy), resolved at synthesis so that grants made later
 * count. A DependsOn on the main resource itself is redundant with the reference (cfn-lint W3005). A construct
 * without a default child is returned as it is.
 */
export function besidesReferenced(construct: IConstruct): IDependable {
  const main = construct.node.defaultChild;
  if (!main) return construct;
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots() {
      return construct.node.children.filter((c) => c !== main);
    },
  });
  return dependable;
}
