// Validates requests (and, on demand, a fake's own answers) against a forge's published
// OpenAPI description with openapi-backend. Only the operations a fake serves are compiled:
// their paths and every component they reference are cut out of the full document, so the
// 13 MB GitHub description starts in milliseconds, while the full list of documented routes
// still tells "the forge has it, the fake does not" from "no such route".
import { skeletonOf } from './schema-skeleton.js';
import { OpenAPIBackend, OpenAPIRouter, type Document, type Operation } from 'openapi-backend';

export interface ValidationIssue {
  /** Where: `/requestBody/title`, `/query/state`, `/path/pull_number`. */
  at: string;
  message: string;
}

export type RouteMatch =
  | { kind: 'served'; operationId: string; params: Record<string, string>; query: Record<string, unknown>; issues: ValidationIssue[] }
  | { kind: 'documented-not-served'; operationId: string }
  | { kind: 'unknown' };

export interface IncomingApiRequest {
  method: string;
  /** Path below the API root, with the query string: `/repos/o/r/pulls?state=open`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

type AnyDocument = Document & { paths: Record<string, Record<string, unknown>>; components?: Record<string, Record<string, unknown>> };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The part of `document` that `operationIds` need: their path items (other methods dropped)
 * and the transitive closure of the components they reference, unchanged.
 */
export function documentSubset(document: AnyDocument, operationIds: readonly string[]): AnyDocument {
  const wanted = new Set(operationIds);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (!operation?.operationId || !wanted.has(operation.operationId)) continue;
      paths[path] ??= item.parameters ? { parameters: item.parameters } : {};
      paths[path][method] = operation;
      wanted.delete(operation.operationId);
    }
  }
  if (wanted.size > 0) throw new Error(`operations not in the ${document.info.title} description: ${[...wanted].join(', ')}`);
  const components: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/') && !seen.has(ref)) {
      seen.add(ref);
      const [kind = '', name = ''] = ref.slice('#/components/'.length).split('/');
      const target = document.components?.[kind]?.[name];
      if (target === undefined) throw new Error(`${document.info.title}: dangling reference ${ref}`);
      (components[kind] ??= {})[name] = target;
      visit(target);
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(paths);
  return { ...document, paths, components } as AnyDocument;
}

/** Every documented operation as a bare route: path, method and operationId, nothing else. */
export function routeIndex(document: AnyDocument): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (operation?.operationId) (paths[path] ??= {})[method] = { operationId: operation.operationId, responses: {} };
    }
  }
  return paths;
}

export class OpenApiValidator {
  private readonly served: OpenAPIBackend;
  private readonly documented: OpenAPIRouter;

  /** `full` lists every documented route (not compiled); `operationIds` are validated. */
  constructor(
    full: AnyDocument,
    readonly operationIds: readonly string[],
  ) {
    this.served = new OpenAPIBackend({
      definition: documentSubset(full, operationIds),
      quick: true, // no up-front validation of the (published) document, validators compiled lazily
      validate: true,
      coerceTypes: true,
      ajvOpts: { strict: false, allErrors: true, logger: false },
      customizeAjv: addFormats,
    });
    this.documented = new OpenAPIRouter({ definition: full });
  }

  async init(): Promise<void> {
    await this.served.init();
  }

  match(request: IncomingApiRequest): RouteMatch {
    const normalized = { method: request.method.toLowerCase(), path: request.path, headers: request.headers as Record<string, string | string[]> };
    const operation = this.served.router.matchOperation(normalized) as Operation | undefined;
    if (!operation?.operationId) {
      const documented = this.documented.matchOperation(normalized) as Operation | undefined;
      return documented?.operationId ? { kind: 'documented-not-served', operationId: documented.operationId } : { kind: 'unknown' };
    }
    const parsed = this.served.router.parseRequest({ ...normalized, body: request.body as never }, operation);
    const params = Object.fromEntries(Object.entries(parsed.params as Record<string, string>).map(([k, v]) => [k, safeDecode(v)]));
    const result = this.served.validator.validateRequest({ ...normalized, body: request.body as never }, operation);
    const issues = (result.errors ?? []).map((error) => ({
      at: error.instancePath || '/',
      message: error.keyword === 'additionalProperties' ? `unknown parameter "${String(error.params.additionalProperty)}"` : (error.message ?? error.keyword),
    }));
    return { kind: 'served', operationId: operation.operationId, params, query: parsed.query as Record<string, unknown>, issues };
  }

  /**
   * A value every required field of the documented response has (see schema-skeleton.ts),
   * for a fake to overlay with what it knows; for arrays, the skeleton of one item.
   */
  responseSkeleton(operationId: string, status: number): unknown {
    const operation = this.served.router.getOperation(operationId) as { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined;
    const content = operation?.responses?.[String(status)]?.content ?? {};
    const schema = (content['application/json'] ?? Object.values(content)[0])?.schema as { type?: string; items?: unknown } | undefined;
    if (!schema) throw new Error(`${operationId} documents no JSON answer for status ${status}`);
    return skeletonOf(schema.type === 'array' ? schema.items : schema);
  }

  /** The skeleton of a schema in the description's components (e.g. GitHub's `simple-user`). */
  schemaSkeleton(name: string): unknown {
    const schema = (this.served.definition as AnyDocument).components?.schemas?.[name];
    if (!schema) throw new Error(`no schema ${name} among the components the served operations use`);
    return skeletonOf(schema);
  }

  /** Checks a fake's own answer against the documented response schema for its status. */
  validateResponse(operationId: string, status: number, body: unknown): ValidationIssue[] {
    const result = this.served.validator.validateResponse(body, operationId, status);
    return (result.errors ?? []).map((error) => ({ at: error.instancePath || '/', message: error.message ?? error.keyword }));
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** The string formats the forges' descriptions use; other formats are not checked. */
function addFormats<T extends { addFormat(name: string, format: RegExp | ((value: string) => boolean)): unknown }>(ajv: T): T {
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  return ajv;
}
