/**
 * Reading a platform contract file: JSON of `kind: PlatformContract` at an `apiVersion` this
 * library reads, with the fields the checks need. Plain TypeScript (the policy engine uses it).
 */
import * as fs from 'fs';
import { CONTRACT_API_VERSION, CONTRACT_KIND, ContractDocument } from './contract-document';

/** A contract file that cannot be read, parsed or understood. */
export class ContractInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ContractInputError';
  }
}

/** A contract and the file it came from (named in every error about it). */
export interface LoadedContract {
  readonly file: string;
  readonly document: ContractDocument;
}

/** Reads and checks a contract file. @throws ContractInputError naming the file and what is wrong */
export function readContractFile(file: string): LoadedContract {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ContractInputError(`platform contract '${file}' cannot be read: pass the contract file the platform publishes (e.g. dist/prod.contract.json).`);
  }
  return parseContract(text, file);
}

/** Parses and checks a contract's text; `file` names it in errors. @throws ContractInputError */
export function parseContract(text: string, file: string): LoadedContract {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ContractInputError(`platform contract '${file}' is not JSON: ${(e as Error).message}.`);
  }
  const problems = contractProblems(doc);
  if (problems.length > 0) throw new ContractInputError(`platform contract '${file}' is not a contract this library reads: ${problems.join('; ')}.`);
  return { file, document: doc as ContractDocument };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What keeps a parsed value from being a contract of our apiVersion (the fields the checks read). */
function contractProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['the top level is not an object'];
  if (doc.kind !== CONTRACT_KIND) return [`kind is ${JSON.stringify(doc.kind)}, want '${CONTRACT_KIND}'`];
  if (doc.apiVersion !== CONTRACT_API_VERSION) {
    return [`apiVersion is ${JSON.stringify(doc.apiVersion)}, this library reads '${CONTRACT_API_VERSION}': use a library version that reads it, or ask the platform for a contract of that apiVersion`];
  }
  const problems: string[] = [];
  for (const key of ['environment', 'profile', 'namespace']) if (typeof doc[key] !== 'string') problems.push(`'${key}' is not a string`);
  const dapr = doc.dapr;
  if (!isObject(dapr)) problems.push("'dapr' is not an object");
  else for (const key of ['version', 'controlPlaneNamespace', 'trustDomain', 'controlPlaneTrustDomain']) if (typeof dapr[key] !== 'string') problems.push(`'dapr.${key}' is not a string`);
  if (typeof doc.defaultDenyIngress !== 'boolean') problems.push("'defaultDenyIngress' is not a boolean");
  for (const key of ['externalHosts', 'components', 'secretStores', 'apps', 'externalApps']) if (!Array.isArray(doc[key])) problems.push(`'${key}' is not an array`);
  return problems;
}
