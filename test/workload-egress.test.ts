import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { RedisStateStore } from '../constructs/k8s/redis-state-store';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { daprChart, errorsOf, find, synth } from './helpers';
import type { DaprChart } from '../constructs/k8s/dapr-chart';

const base = { image: 'registry.example.com/x:1.0.0', appPort: 8080, apiTokenSecret: SecretRef.fromKubernetesSecret('t', 'token') };

/** Three workloads using an external Redis and Vault. */
function platform(chart: DaprChart) {
  const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.corp.example.net:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
  const redis = new RedisStateStore(chart, 'redis', { name: 'state', redisHost: 'redis.corp.example.net:6380', redisPassword: vault.secret('redis', 'password') });
  for (const id of ['a', 'b', 'c']) new DaprWorkload(chart, id, { appId: id, ...base }).uses(redis);
}

describe('egress to external hosts', () => {
  it('strict profiles refuse an external host without declared CIDRs: one error per host, by the first workload, naming the others', () => {
    const chart = daprChart({ externalHosts: [{ host: 'vault.corp.example.net', cidrs: ['10.1.0.0/28'] }] });
    platform(chart);
    expect(errorsOf(chart)).toEqual([
      "[test/a] workload 'a' reaches external host 'redis.corp.example.net' (as do 'b', 'c'), whose address ranges the prod environment does not declare, " +
        "so its NetworkPolicy egress could only be open to every address: add { host: 'redis.corp.example.net', cidrs: ['<range>'] } to the DaprChart's externalHosts.",
    ]);
  });

  it('renders an ipBlock per declared CIDR, one rule per set of CIDRs', () => {
    const chart = daprChart({
      externalHosts: [
        { host: 'vault.corp.example.net', cidrs: ['10.1.0.0/28'] },
        { host: 'REDIS.corp.example.net', cidrs: ['10.2.0.0/28', '10.2.1.0/28'] },
      ],
    });
    platform(chart);
    const egress = find(synth(chart), 'NetworkPolicy', 'b').spec.egress;
    expect(egress.slice(-2)).toEqual([
      { to: [{ ipBlock: { cidr: '10.1.0.0/28' } }], ports: [{ protocol: 'TCP', port: 8200 }] },
      { to: [{ ipBlock: { cidr: '10.2.0.0/28' } }, { ipBlock: { cidr: '10.2.1.0/28' } }], ports: [{ protocol: 'TCP', port: 6380 }] },
    ]);
  });

  it('dev allows an undeclared host and says "any address" explicitly', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV, externalHosts: [] });
    platform(chart);
    const egress = find(synth(chart), 'NetworkPolicy', 'a').spec.egress;
    expect(egress[egress.length - 1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 6380 }, { protocol: 'TCP', port: 8200 }] });
    expect(egress.every((r: any) => r.to.length > 0)).toBe(true);
  });

  it('refuses malformed, catch-all, empty and duplicate declarations', () => {
    const chart = daprChart({
      externalHosts: [
        { host: 'a.example.net', cidrs: ['10.0.0.0/33', '0.0.0.0/0'] },
        { host: 'b.example.net:443', cidrs: [] },
        { host: 'A.example.net', cidrs: ['fd00:10::/64'] },
      ],
    });
    expect(errorsOf(chart)).toEqual([
      "[test] externalHosts entry 'a.example.net': '10.0.0.0/33' is not a CIDR: write it as '10.20.4.0/24' or 'fd00:10::/64'.",
      "[test] externalHosts entry 'a.example.net': '0.0.0.0/0' matches every address, which names no destination: give the host's own range.",
      "[test] externalHosts entry 'b.example.net:443': give the bare host name, without scheme or port.",
      "[test] externalHosts entry 'b.example.net:443' has no CIDRs: list the ranges its addresses lie in, e.g. '10.20.4.0/24'.",
      "[test] externalHosts entry 'A.example.net' is declared twice: merge the CIDRs into one entry.",
    ]);
  });
});
