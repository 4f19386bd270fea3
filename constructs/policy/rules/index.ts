import { Rule } from '../types';
import { COMPONENT_RULES } from './components';
import { CONFIGURATION_RULES } from './configurations';
import { CONTRACT_RULES } from './contract';
import { CONTROL_PLANE_RULES } from './control-plane';
import { HTTP_ENDPOINT_RULES } from './http-endpoints';
import { NAMESPACE_RULES } from './namespaces';
import { NETWORK_POLICY_RULES } from './network-policies';
import { SUBSCRIPTION_RULES } from './subscriptions';
import { TERRAFORM_RULES } from './terraform';
import { WORKLOAD_RULES } from './workloads';

/** Every rule, in id order of areas: components, HTTP endpoints, configurations, workloads, subscriptions, control plane, namespaces, network policies, Terraform, the platform contract. */
export const ALL_RULES: readonly Rule[] = [
  ...COMPONENT_RULES,
  ...HTTP_ENDPOINT_RULES,
  ...CONFIGURATION_RULES,
  ...WORKLOAD_RULES,
  ...SUBSCRIPTION_RULES,
  ...CONTROL_PLANE_RULES,
  ...NAMESPACE_RULES,
  ...NETWORK_POLICY_RULES,
  ...TERRAFORM_RULES,
  ...CONTRACT_RULES,
];

export { COMPONENT_RULES, HTTP_ENDPOINT_RULES, CONFIGURATION_RULES, WORKLOAD_RULES, SUBSCRIPTION_RULES, CONTROL_PLANE_RULES, NAMESPACE_RULES, NETWORK_POLICY_RULES, TERRAFORM_RULES, CONTRACT_RULES };
