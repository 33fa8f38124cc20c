// Kaizen's search attributes must exist in the namespace before a workflow upserts them;
// otherwise every workflow task fails with BadSearchAttributes and runs hang. Workers check
// at start and register what is missing (a dev server or self-hosted cluster allows it);
// where registration is refused (e.g. Temporal Cloud without admin rights) the error says
// how to add them.
import { type Connection } from '@temporalio/client';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';
import type { TemporalTarget } from './connection.js';
import { connectConnection } from './connection.js';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (@temporalio/proto is not a direct dependency). */
const KEYWORD = 2;

export class SearchAttributesMissingError extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: string[],
    cause: unknown,
  ) {
    super(
      `Namespace '${namespace}' lacks Kaizen's search attributes ${missing.join(', ')} and they could not be added (${cause instanceof Error ? cause.message : String(cause)}).\n` +
        `Add them once with:\n${missing.map((name) => `  temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`).join('\n')}`,
    );
    this.name = 'SearchAttributesMissing';
  }
}

/** Returns the names it registered (empty when all were there). */
export async function ensureSearchAttributes(target: TemporalTarget): Promise<string[]> {
  const connection = await connectConnection(target);
  try {
    return await ensureWith(connection, target.namespace);
  } finally {
    await connection.close();
  }
}

async function ensureWith(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = Object.keys(KAIZEN_SEARCH_ATTRIBUTES).filter((name) => !known.has(name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
  } catch (err) {
    throw new SearchAttributesMissingError(namespace, missing, err);
  }
  return missing;
}
