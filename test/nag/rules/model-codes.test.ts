import { ALL_RULES, MODEL_RULES } from '../../../lib/nag/rules';

describe('model rules declare the codes they report', () => {
  test('each code belongs to the rule that has always reported it', () => {
    const declared: Record<string, string[]> = {};
    for (const rule of MODEL_RULES) {
      for (const code of rule.codes) (declared[code] ??= []).push(rule.name);
    }
    expect(declared).toEqual({
      Syntax: ['ModelIdPinned'],
      Alias: ['ModelIdPinned'],
      Unversioned: ['ModelIdPinned'],
      RevisionDropped: ['ModelIdPinned'],
      UnknownModel: ['ModelIdKnown'],
      ProfileUnknown: ['ModelIdKnown'],
      ProvisionedOnly: ['ModelIdKnown'],
      HiddenModel: ['ModelIdKnown'],
      NotInRegion: ['ModelRegion'],
      ProfileGeography: ['ModelRegion'],
      RegionNotSourced: ['ModelRegion'],
      CrossRegionArn: ['ModelRegion'],
      RegionlessArn: ['ModelRegion'],
      UnknownRegion: ['ModelRegion'],
      RegionUnknown: ['ModelRegionUnverified'],
      ProfileDataGap: ['ModelRegionUnverified'],
      ThirdPartySource: ['ModelRegionUnverified'],
      EndOfLife: ['ModelEndOfLife'],
      Legacy: ['ModelLegacy'],
      LifecycleConflict: ['ModelLegacy'],
      LifecycleNotSourced: ['ModelLegacy'],
      ProfileGrantUnconditioned: ['ProfileGrantCondition'],
    });
  });

  test('every model rule is in ALL_RULES, in report order before the resource rules', () => {
    expect(ALL_RULES.slice(0, MODEL_RULES.length)).toEqual([...MODEL_RULES]);
    expect(ALL_RULES.map((r) => r.name)).toEqual(['ModelIdPinned', 'ModelIdKnown', 'ModelRegion', 'ModelRegionUnverified',
      'ModelEndOfLife', 'ModelLegacy', 'ProfileGrantCondition', 'InvokeWildcard', 'ServiceRoleSourceAccount', 'GuardrailProfileRegion', 'GuardrailDraft']);
  });
});
