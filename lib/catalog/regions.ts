import { ModelCatalog } from './catalog';
import { levenshtein } from './suggestions';

/** The shape of an AWS Region code: `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A Region code the catalog does not list, and the nearest one it does. */
export interface RegionNameProblem {
  /** `Malformed`: not shaped like a Region code at all; `Unlisted`: shaped like one, but no source lists it. */
  readonly kind: 'Malformed' | 'Unlisted';
  /** The nearest Region the catalog lists (same code ignoring case, else the closest by edit distance), if any is close. */
  readonly nearest?: string;
  /** "which is not an AWS Region name; write 'us-east-1'" — to follow "`<what>` is '<value>', ". */
  readonly text: string;
}

/**
 * Judges a Region code against the Regions the catalog lists (the Global source Regions of the Bedrock Regional
 * availability page and the sourced destination Regions of every inference-profile geography, GovCloud included).
 * Returns undefined for a listed Region. Used by synth validation (`evaluateModelId`) and the CLI's `--region`, so
 * both call the same Region unknown with the same nearest Region.
 */
export function regionNameProblem(region: string, catalog: ModelCatalog = ModelCatalog.default()): RegionNameProblem | undefined {
  const listed = catalog.listedRegions();
  if (listed.has(region)) return undefined;
  const nearest = nearestRegion(region, listed);
  const instead = nearest ? `did you mean '${nearest}'?` : "write one such as 'us-east-1'.";
  if (!REGION_PATTERN.test(region)) {
    const lower = nearest && nearest === region.toLowerCase() ? ' (Region codes are lower case)' : '';
    return { kind: 'Malformed', nearest, text: `which is not an AWS Region name${lower}; ${instead}` };
  }
  return {
    kind: 'Unlisted',
    nearest,
    text: `which is an unknown Region: no source of the model catalog (generated ${catalog.generatedAt}) lists it among `
      + `its ${listed.size} Regions (the Bedrock Regional availability page and the inference-profile geographies); ${instead}`,
  };
}

/** The listed Region nearest to `region`: equal ignoring case, else within 2 edits (ties: alphabetical); else undefined. */
function nearestRegion(region: string, listed: ReadonlySet<string>): string | undefined {
  const lower = region.toLowerCase().trim();
  if (listed.has(lower)) return lower;
  let best: { r: string; d: number } | undefined;
  for (const r of [...listed].sort()) {
    const d = levenshtein(lower, r);
    if (d <= 2 && (!best || d < best.d)) best = { r, d };
  }
  return best?.r;
}
