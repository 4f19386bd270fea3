import { EnvironmentProfile } from '../../constructs/model/profile';
import { checkDocuments, runRules } from '../../constructs/policy/engine';
import { goodProdSet } from './fixtures';

describe('the good prod set', () => {
  it.each([EnvironmentProfile.DEV, EnvironmentProfile.STAGING, EnvironmentProfile.PROD])('has no finding in %s', (profile) => {
    expect(runRules(goodProdSet(), { profile })).toEqual([]);
  });

  it('is checked against the chart version of its helm_release', () => {
    const result = checkDocuments(goodProdSet(), { profile: 'prod' });
    expect(result.daprVersion).toBe('1.18.3');
    expect(result.daprVersionSource).toBe('chart version of helm_release.dapr');
    expect(result.documents).toBe(24);
  });
});
