// The smallest value a documented response schema accepts: every required property present
// with a neutral value (null where nullable, '' / 0 / false / [] otherwise, the first enum
// value). A fake overlays the fields it really knows, so its answers carry every field the
// forge documents without inventing misleading example data for the rest.

type Schema = Record<string, unknown>;

const NEUTRAL_DATE = '1970-01-01T00:00:00Z';

export function skeletonOf(schema: unknown, stack: Set<unknown> = new Set()): unknown {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Schema;
  if (stack.has(s)) return s.nullable ? null : {};
  stack.add(s);
  try {
    if (Array.isArray(s.allOf)) {
      return (s.allOf as unknown[]).reduce((acc: unknown, part) => overlay(acc, skeletonOf(part, stack)), {});
    }
    const alternatives = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
    if (Array.isArray(alternatives)) {
      const concrete = alternatives.find((alt) => (alt as Schema).type !== 'null') ?? alternatives[0];
      return skeletonOf(concrete, stack);
    }
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
    if (s.nullable === true || types.includes('null')) return null;
    if (Array.isArray(s.enum)) return s.enum[0];
    switch (types[0]) {
      case 'string':
        return s.format === 'date-time' ? NEUTRAL_DATE : s.format === 'uri' ? 'http://127.0.0.1/' : '';
      case 'integer':
      case 'number':
        return 0;
      case 'boolean':
        return false;
      case 'array':
        return [];
      default: {
        const properties = (s.properties ?? {}) as Record<string, unknown>;
        const required = (s.required ?? []) as string[];
        return Object.fromEntries(required.map((name) => [name, skeletonOf(properties[name], stack)]));
      }
    }
  } finally {
    stack.delete(s);
  }
}

/** `top` over `base`: objects merge key by key, anything else in `top` replaces. */
export function overlay(base: unknown, top: unknown): unknown {
  if (top === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(top)) return top;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) merged[key] = overlay(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
