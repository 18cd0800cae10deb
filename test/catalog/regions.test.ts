import { ModelCatalog } from '../../lib/catalog/catalog';
import { REGION_PATTERN, regionNameProblem } from '../../lib/catalog/regions';

describe('regionNameProblem', () => {
  test('every Region the catalog lists is accepted', () => {
    const listed = ModelCatalog.default().listedRegions();
    expect(listed.size).toBeGreaterThanOrEqual(35);
    for (const r of listed) expect([r, regionNameProblem(r)]).toEqual([r, undefined]);
  });

  test.each([
    ['us-east-7', 'Unlisted', 'us-east-1', /^which is an unknown Region: no source of the model catalog \(generated \d{4}-\d{2}-\d{2}\) lists it among its \d+ Regions .*; did you mean 'us-east-1'\?$/],
    ['eu-west-4', 'Unlisted', 'eu-west-1', /unknown Region.*did you mean 'eu-west-1'\?/],
    ['US-EAST-1', 'Malformed', 'us-east-1', /^which is not an AWS Region name \(Region codes are lower case\); did you mean 'us-east-1'\?$/],
    ['us-est-1', 'Unlisted', 'us-east-1', /unknown Region.*did you mean 'us-east-1'\?/],
    ['useast1', 'Malformed', 'us-east-1', /^which is not an AWS Region name; did you mean 'us-east-1'\?$/],
    ['Mars', 'Malformed', undefined, /^which is not an AWS Region name; write one such as 'us-east-1'\.$/],
  ])('%s is %s, nearest %s', (region, kind, nearest, text) => {
    const p = regionNameProblem(region)!;
    expect(p).toMatchObject({ kind, nearest });
    expect(p.text).toMatch(text);
    // a sentence, not a list of every Region
    expect(p.text.length).toBeLessThan(260);
  });

  test('REGION_PATTERN is the shape of every listed Region', () => {
    for (const r of ModelCatalog.default().listedRegions()) expect(r).toMatch(REGION_PATTERN);
  });
});
