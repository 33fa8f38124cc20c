// The search attributes every Kaizen namespace needs; the dev server registers them at start.
export const KAIZEN_SEARCH_ATTRIBUTES = {
  KaizenRepo: 'Keyword',
  KaizenFile: 'Keyword',
  KaizenStep: 'Keyword',
  KaizenOutcome: 'Keyword',
  KaizenStrategy: 'Keyword',
} as const;
